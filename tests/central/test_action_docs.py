"""``docs/hms-export-actions.md`` lists exactly the action codes of ``ACTION_KINDS``.

Run as a script (``python tests/central/test_action_docs.py``) to rewrite the table from the
codes after a code is added or renamed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "hms-export-actions.md"
_TABLE = re.compile(r"(<!-- codes:start -->\n)(.*?)(<!-- codes:end -->)", re.DOTALL)


def code_table() -> str:
    """The markdown table of action codes: code, meaning, whether ``until`` is needed."""
    from app.domain.case_actions import ACTION_KINDS

    lines = ["| code | meaning | `until` |", "| --- | --- | --- |"]
    for kind in ACTION_KINDS.values():
        if kind.needs_until:
            until = f"required: {kind.until_label.lower()}"
        elif kind.until_label:
            until = f"optional: {kind.until_label.lower()}"
        else:
            until = "no"
        lines.append(f"| `{kind.code}` | {kind.label} | {until} |")
    return "\n".join(lines) + "\n"


def test_the_documented_codes_are_the_action_kinds() -> None:
    match = _TABLE.search(DOC.read_text(encoding="utf-8"))
    assert match is not None, "the codes table markers are missing from the doc"
    assert match.group(2) == code_table(), (
        "docs/hms-export-actions.md is out of step with ACTION_KINDS: "
        "run python tests/central/test_action_docs.py"
    )


def test_the_readme_links_the_actions_format() -> None:
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/hms-export-actions.md" in readme


if __name__ == "__main__":
    sys.path.insert(0, str(DOC.parents[1]))
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(_TABLE.sub(lambda m: m.group(1) + code_table() + m.group(3), text), "utf-8")
    print(f"rewrote the codes table in {DOC}")
