"""The HTML and Python snippets of README.md and docs/*.md, for the tests that run them as written.

A fenced block right after a line ``<!-- snippet: not-run (why) -->`` is left out (a fragment of a
file shown elsewhere, or a feature that has its own tests); every other ```html and ```python block
is run. A ```jinja block after a line naming ``templates/NAME.html`` is the template the Python
snippets of that file render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "reference.md")]
NOT_RUN = re.compile(r"<!--\s*snippet:\s*not-run\b")
FENCE = re.compile(r"^(\s*)```(\w+)\s*$")


@dataclass
class Snippet:
    path: Path
    line: int
    language: str
    code: str
    run: bool
    note: str  # the nearest prose line before the block

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def snippets(language: str | None = None) -> list[Snippet]:
    out = []
    for path in DOCS:
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            match = FENCE.match(lines[i])
            if not match:
                i += 1
                continue
            indent, lang = match.groups()
            start = i
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i].removeprefix(indent))
                i += 1
            before = [ln for ln in lines[max(0, start - 3):start] if ln.strip()]
            run = not (before and NOT_RUN.search(before[-1]))
            note = before[-1] if before else ""
            out.append(Snippet(path, start + 1, lang, "\n".join(body) + "\n", run, note))
            i += 1
    return [s for s in out if language is None or s.language == language]


def templates_for(path: Path) -> dict[str, str]:
    """``templates/NAME.html`` -> the ```jinja block that follows a line naming it, in ``path``."""
    out = {}
    for snippet in snippets("jinja"):
        match = re.search(r"templates/([\w.-]+\.html)", snippet.note)
        if snippet.path == path and match:
            out[match.group(1)] = snippet.code
    return out
