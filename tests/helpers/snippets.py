"""Directives written as rST/MyST twins, and the warning lines of a build log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re


@dataclass
class Snippet:
    """A directive in both syntaxes: ``title``, option lines and the YAML body."""

    title: str
    options: list[str]
    body: str


def write_twins(srcdir: Path, snippets: list[Snippet], stem: str = "page") -> dict[str, list[int]]:
    """Write ``<stem>_rst.rst`` and ``<stem>_md.md`` holding the same snippets so that each
    body starts at the same line in both files. Returns the first body line per file."""
    rst: list[str] = ["Page", "====", ""]
    md: list[str] = ["# Page", "", ""]
    starts: list[int] = []
    for index, snippet in enumerate(snippets):
        rst.append(f".. k8s-cluster:: {snippet.title}".rstrip())
        rst.extend(f"   {_label(o, 'rst')}" for o in snippet.options)
        rst.append("")
        md.append(f"```{{k8s-cluster}} {snippet.title}".rstrip())
        md.extend(_label(o, "md") for o in snippet.options)
        md.append("")
        assert len(rst) == len(md)
        starts.append(len(rst) + 1)
        body = snippet.body.strip("\n").splitlines()
        rst.extend(f"   {line}" if line else "" for line in body)
        md.extend(body)
        md.append("```")
        rst.append("")
        for lines in (rst, md):
            lines.extend(["", f"Paragraph {index} after the diagram.", ""])
    (srcdir / f"{stem}_rst.rst").write_text("\n".join(rst) + "\n", encoding="utf-8")
    (srcdir / f"{stem}_md.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    return {"rst": starts, "md": starts}


def _label(option: str, suffix: str) -> str:
    """Labels are project-wide, so each twin gets its own: ``:name: x`` → ``x-rst``."""
    if option.startswith((":name: ", ":extends: ")):
        return f"{option}-{suffix}"
    return option


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warning_lines(text: str) -> list[str]:
    return [line for line in _ANSI.sub("", text).splitlines() if "WARNING" in line]
