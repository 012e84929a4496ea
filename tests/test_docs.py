"""Every rule id and document the code cites resolves inside the repository.

Read: the comments and docstrings of every Python file, and the whole text of every TOML and
Markdown file, in app/, central/, tests/, bench/, demo/, resources/ and docs/, and README.md.
Found there, and checked:

- a rule id (``F3``, ``F3a``, ``W12``, ``B2(j)``, a range ``C1-C7``): a heading
  ``### F3 — ...`` in docs/rules.md, and for ``B2(j)`` an item ``(j)`` under it;
- a source (``[S24]``): an entry in the Sources list of docs/rules.md;
- a Markdown document (``docs/design.md``, ``docs/calc.md#breach``): a file of the repository,
  found from the citing file's folder or the repository's root, and for ``#anchor`` a heading
  of that file whose anchor (as GitHub makes it) is the one named;
- nothing points outside the repository: not the shared folder beside it, not a parent folder,
  not an absolute path under the work folder, not the shared design documents by name.

The checker is tested on its own too, so that a citation it should refuse is seen refused.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "docs" / "rules.md"
SCANNED = ("app", "central", "tests", "bench", "demo", "resources", "docs")
TOP_LEVEL = ("README.md",)

#: A rule id, an optional item of it (``B2(j)``), or a range of ids of one letter (``C1-C7``).
RULE = re.compile(
    r"(?<![\w\[-])(?P<id>[A-F]\d{1,2}[a-z]?|W\d{1,2})"
    r"(?:(?P<item>\([a-z]\))|[-–](?P<to>[A-FW]\d{1,2})\b)?(?![\w-])"
)
SOURCE = re.compile(r"\[(S\d{1,2})\]")
DOCUMENT = re.compile(
    r"(?<![\w/.-])(?P<path>(?:\.{1,2}/|/)?(?:[\w.-]+/)*[\w.-]+\.md)(?:#(?P<anchor>[\w-]+))?"
)
#: Put together from pieces, so that no text of this file names a path outside the repository.
_SHARED, _WORK = "sha" + "red", "wo" + "rk"
OUTSIDE = re.compile(rf"(?<![\w.-])(?:{_SHARED}/|\.\./|/{_WORK}/)")
#: The shared design documents cited by their names alone: the repository's own are in docs/.
SHARED_NAME = re.compile(r"\b(?:DOMAIN|DESIGN|STYLE)\b")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
RULE_HEADING = re.compile(r"^#{2,4}\s+([A-FW]\d{1,2}[a-z]?)\s+—\s")
SOURCE_ENTRY = re.compile(r"^- \*\*\[(S\d{1,2})\]\*\*", re.MULTILINE)

#: Words that look like rule ids but name something else, with what they name.
NOT_RULES = {"F5": "the Sync now key"}


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(path: Path) -> list[str]:
    """The headings of a Markdown file, outside fenced code blocks."""
    found: list[str] = []
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            found.append(match.group(2))
    return found


@cache
def rule_sections() -> dict[str, str]:
    """Each rule id of docs/rules.md and the text under its heading."""
    sections: dict[str, str] = {}
    current: str | None = None
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if HEADING.match(line):
            match = RULE_HEADING.match(line)
            current = match.group(1) if match else None
            if current is not None:
                sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return sections


@cache
def sources() -> frozenset[str]:
    text = RULES.read_text(encoding="utf-8")
    return frozenset(SOURCE_ENTRY.findall(text[text.index("\n## Sources") :]))


def _expand(first: str, last: str) -> list[str]:
    if first[0] != last[0] or not first[1:].isdigit():
        return [first, last]
    return [f"{first[0]}{n}" for n in range(int(first[1:]), int(last[1:]) + 1)] or [first, last]


def _rule_problems(text: str) -> Iterator[str]:
    sections = rule_sections()
    for match in RULE.finditer(text):
        first, item, last = match.group("id", "item", "to")
        ids = _expand(first, last) if last else [first]
        for rule in ids:
            if rule in NOT_RULES and not item and not last:
                continue
            if rule not in sections:
                yield f"rule {rule} has no heading in docs/rules.md"
            elif item and item not in sections[rule]:
                yield f"rule {rule}{item}: docs/rules.md {rule} has no item {item}"
    for source in SOURCE.findall(text):
        if source not in sources():
            yield f"source [{source}] is not in the Sources of docs/rules.md"


def _document_problems(text: str, folder: Path) -> Iterator[str]:
    for match in OUTSIDE.finditer(text):
        yield f"{text[match.start():].split()[0]!r} points outside the repository"
    for match in SHARED_NAME.finditer(text):
        yield f"{match.group()} names a document outside the repository (see docs/)"
    for match in DOCUMENT.finditer(text):
        path, anchor = match.group("path", "anchor")
        if OUTSIDE.match(path):
            continue  # reported above
        candidates = [(base / path).resolve() for base in (folder, ROOT)]
        found = next((c for c in candidates if c.is_file() and c.is_relative_to(ROOT)), None)
        if found is None:
            yield f"{path} is not a document of the repository"
        elif anchor and anchor not in {github_anchor(h) for h in headings(found)}:
            yield f"{path}#{anchor}: {path} has no such section"


def problems(text: str, folder: Path = ROOT) -> list[str]:
    """What does not resolve in ``text``, cited from a file in ``folder``."""
    return [*_rule_problems(text), *_document_problems(text, folder)]


def _python_prose(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every comment and docstring (any bare string statement)."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value


def _prose(path: Path) -> Iterator[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        yield from _python_prose(text)
    else:
        yield from enumerate(text.splitlines(), start=1)


def scanned_files() -> list[Path]:
    found = [ROOT / name for name in TOP_LEVEL]
    for folder in SCANNED:
        found += sorted(
            path
            for path in (ROOT / folder).rglob("*")
            if path.suffix in (".py", ".toml", ".md") and path.is_file()
        )
    return found


def test_every_citation_resolves_inside_the_repository() -> None:
    files = scanned_files()
    assert ROOT / "app" / "domain" / "recovery.py" in files  # the scan sees the code
    found = [
        f"{path.relative_to(ROOT)}:{line}: {problem}"
        for path in files
        for line, text in _prose(path)
        for problem in problems(text, path.parent)
    ]
    assert found == []


def test_the_code_cites_the_rules() -> None:
    """The scan finds what it is meant to check (so an empty result above means something)."""
    cited = {
        match.group("id")
        for path in scanned_files()
        if path.parts[len(ROOT.parts)] in ("app", "central")
        for _, text in _prose(path)
        for match in RULE.finditer(text)
    }
    assert {"A4", "E5", "F3", "W4", "W12", "C7", "D6"} <= cited


def test_every_rule_has_a_heading_and_every_source_an_entry() -> None:
    sections = rule_sections()
    letters = {"A": 7, "B": 10, "C": 7, "D": 7, "E": 5, "F": 4, "W": 12}
    expected = {f"{letter}{n}" for letter, last in letters.items() for n in range(1, last + 1)}
    assert set(sections) == expected | {"F3a", "F3b"}
    assert all(f"({item})" in sections["B2"] for item in "abcdefghijk")
    assert sources() == {f"S{n}" for n in range(1, 27)}


#: Paths outside the repository, put together here so that the tests hold no such path
#: themselves (they read nothing outside: these are only texts the check must refuse).
UP = "." + "."
WORK = "/" + _WORK
SHARED = _SHARED


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("the breach rule (docs/rules.md F9)", "rule F9 has no heading in docs/rules.md"),
        ("escalation (W13)", "rule W13 has no heading in docs/rules.md"),
        ("blocks (F1-F6)", "rule F5 has no heading in docs/rules.md"),
        ("the protocol (B2(z))", "rule B2(z): docs/rules.md B2 has no item (z)"),
        ("(B3(j))", "rule B3(j): docs/rules.md B3 has no item (j)"),
        ("caps [S27]", "source [S27] is not in the Sources of docs/rules.md"),
        ("(DOMAIN.md F3)", "DOMAIN.md is not a document of the repository"),
        ("(DOMAIN F3)", "DOMAIN names a document outside the repository (see docs/)"),
        ("see calc.md", "calc.md is not a document of the repository"),
        ("docs/design.md#offline", "docs/design.md#offline: docs/design.md has no such section"),
        (
            f"see {SHARED}/DESIGN.md, Sync",
            f"'{SHARED}/DESIGN.md,' points outside the repository",
        ),
        (
            f"{UP}/{SHARED}/formats/calc.md",
            f"'{UP}/{SHARED}/formats/calc.md' points outside the repository",
        ),
        (
            f'Path("{WORK}/{SHARED}/x.md")',
            f"'{WORK}/{SHARED}/x.md\")' points outside the repository",
        ),
    ],
)
def test_the_check_refuses(text: str, problem: str) -> None:
    assert problem in problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "(docs/rules.md F3, F3a, W4; B2(j), C1-C7, W9-W11) [S24]",
        "docs/design.md#sync, docs/design.md#push, docs/calc.md#breach, README.md",
        "# noqa: E501, B008 W605",
        "the Sync now key (F5)",
    ],
)
def test_the_check_accepts(text: str) -> None:
    assert problems(text) == []


def test_a_document_is_found_beside_the_citing_file() -> None:
    docs = ROOT / "docs"
    assert problems("[the export](hms-export.md#tenanciescsv)", docs) == []
    assert problems("hms-export.md", ROOT / "app") == [
        "hms-export.md is not a document of the repository"
    ]
