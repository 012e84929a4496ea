"""Free text as Doorstep keeps it (docs/design.md, Data): everything an officer writes, in any
script, except control characters, direction overrides and lone surrogates, each named."""

from __future__ import annotations

import pytest

from app.domain.text import text_problem


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Paid £20 at the office.\nWill call back Friday.\r\n\tSee letter.",
        "Łukasz Nguyễn Ó Súilleabháin — Siân and Chloë",
        "قال إنه سيدفع يوم الجمعة",  # Arabic, right to left
        "שילם חלקית",  # Hebrew
        "left to right \u200e and right to left \u200f marks",
        "family 👨\u200d👩\u200d👧 and a zero-width space\u200b",
        "x" * 10_000,
    ],
)
def test_text_in_any_script_is_kept(text: str) -> None:
    assert text_problem(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\x00b", "character 2 is a control character (U+0000), which cannot be kept"),
        ("\x07bell", "character 1 is a control character (U+0007)"),
        ("esc \x1b[31m", "character 5 is a control character (U+001B)"),
        ("form\x0cfeed", "character 5 is a control character (U+000C)"),
        ("del\x7f", "character 4 is a control character (U+007F)"),
        ("c1 \x85", "character 4 is a control character (U+0085)"),
        ("owes \u202e0021", "character 6 is a text-direction control (U+202E), which would show"),
        ("\u2066isolate\u2069", "character 1 is a text-direction control (U+2066)"),
        ("\u202aembedding", "character 1 is a text-direction control (U+202A)"),
        ("half \ud800 pair", "character 6 (U+D800) is not a character"),
    ],
)
def test_what_cannot_be_kept_is_named_with_where_it_is(text: str, problem: str) -> None:
    found = text_problem(text)
    assert found is not None
    assert found.startswith(problem), found
    assert found.endswith("delete it")
