"""Free text as Doorstep keeps it: what a note, a comment or a creditor's name may hold.

Text an officer types or pastes (or an adviser's file brings) is kept as given, except for three
kinds of character, each refused with a message that names it (docs/design.md, Data):

- control characters other than tab, line feed and carriage return (U+0000 to U+001F, DEL
  and U+0080 to U+009F). NUL above all: PostgreSQL cannot store it in text at all, and text
  pasted from PDFs and other programs brings it along;
- the bidirectional embedding, override and isolate controls (U+202A to U+202E, U+2066 to
  U+2069), which make text show in another order than the one it is kept in (the "Trojan
  Source" trick). Right-to-left writing itself (Arabic, Urdu, Hebrew) and the plain direction
  marks (U+200E, U+200F) are welcome;
- lone surrogates (U+D800 to U+DFFF): not characters, and not writable as UTF-8.

Pure and cheap (one regular expression pass); the client checks on entry, the wire format on
arrival, so the central store never meets a value it cannot keep.
"""

from __future__ import annotations

import re

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATE = "\ud800-\udfff"
_REFUSED = re.compile(f"[{_CONTROL}{_BIDI}{_SURROGATE}]")
_BIDI_CONTROLS = re.compile(f"[{_BIDI}]")
_SURROGATES = re.compile(f"[{_SURROGATE}]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be kept, naming the first refused character; None when it can."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    where = f"character {found.start() + 1}"
    if _BIDI_CONTROLS.fullmatch(char):
        return (
            f"{where} is a text-direction control ({code}), which would show the text in another "
            "order than it is kept; delete it"
        )
    if _SURROGATES.fullmatch(char):
        return f"{where} ({code}) is not a character; delete it"
    return (
        f"{where} is a control character ({code}), which cannot be kept (pasted text often "
        "brings one); delete it"
    )
