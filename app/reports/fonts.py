"""The fonts Doorstep's documents embed: DejaVu Sans Condensed, regular and bold.

reportlab's built-in Helvetica is not embedded and has no glyph for much of what a council's
tenants are called (Łukasz, Nguyễn): a viewer substitutes a font, or prints a box. DejaVu
covers Latin, Greek, Cyrillic and Vietnamese, is free to ship (``resources/fonts/LICENSE.txt``:
the Bitstream Vera licence, DejaVu's changes public domain), and reportlab embeds only the
glyphs a document uses (a subset), so a one-page sheet stays small. The condensed cut keeps a
dense page readable.

:func:`document_fonts` registers the family once per process (``<b>`` in a paragraph then
selects the bold face) and returns its names.

Threading: registration is guarded by a lock, so documents may be built on any thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.paths import resource_path

REGULAR_FILE = "fonts/DejaVuSansCondensed.ttf"
BOLD_FILE = "fonts/DejaVuSansCondensed-Bold.ttf"


@dataclass(frozen=True, slots=True)
class DocumentFonts:
    """The registered names: ``regular`` (also the family, for ``fontName``) and ``bold``."""

    regular: str
    bold: str


_FONTS = DocumentFonts("DoorstepSans", "DoorstepSans-Bold")
_lock = threading.Lock()
_registered = False


def document_fonts() -> DocumentFonts:
    """The embedded fonts, registered with reportlab on first use (reportlab imported here)."""
    global _registered
    with _lock:
        if not _registered:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(_FONTS.regular, str(resource_path(REGULAR_FILE))))
            pdfmetrics.registerFont(TTFont(_FONTS.bold, str(resource_path(BOLD_FILE))))
            # <b> and <i> inside a paragraph of this family pick these faces (no italic cut is
            # shipped: italic text stays upright rather than falling back to Helvetica).
            addMapping(_FONTS.regular, 0, 0, _FONTS.regular)
            addMapping(_FONTS.regular, 1, 0, _FONTS.bold)
            addMapping(_FONTS.regular, 0, 1, _FONTS.regular)
            addMapping(_FONTS.regular, 1, 1, _FONTS.bold)
            _registered = True
    return _FONTS
