"""Fixtures of the browser tests: one headless Chromium for the session, and the
``test-themes`` project built once per theme and served on 127.0.0.1 for every test that
visits it (each scheme, with and without JavaScript, reuses the same build)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
import os
from pathlib import Path
import subprocess
import sys
from typing import Any

from helpers.browser import (
    AXE,
    CHROMIUM_ARGS,
    NO_AXE,
    NO_CHROMIUM,
    THEMES,
    ThemeSites,
    chromium_executable,
    serve,
)
from helpers.paths import ROOTS
from playwright.sync_api import Browser, sync_playwright
import pytest

THEMES_ROOT = ROOTS / "test-themes"


def missing(reason: str) -> None:
    """Skip, except under CI=true, where a missing tool fails the run."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every browser test."""
    executable = chromium_executable()
    if executable is None:
        missing(NO_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str | None:
    """axe-core's script, to inject into a page; None when it is not installed (the axe
    checks skip then, the others run; under CI=true a missing axe-core fails)."""
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(NO_AXE)
        return None
    return AXE.read_text(encoding="utf-8")


def _build(theme: str, root: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going",
           "-D", f"html_theme={theme}", "-d", str(root / f"{theme}.doctrees"),
           str(THEMES_ROOT), str(root / theme)]
    return theme, subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture(scope="session")
def theme_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThemeSites]:
    """tests/roots/test-themes built with every theme (two builds at a time), served."""
    root = tmp_path_factory.mktemp("themes")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda theme: _build(theme, root), THEMES))
    failed = [f"{theme} (exit {r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
              for theme, r in results if r.returncode != 0]
    if failed:
        pytest.fail("sphinx build of tests/roots/test-themes failed with " + "\n".join(failed))
    with serve(root) as url:
        yield ThemeSites(root, url)


@pytest.fixture(scope="session")
def contrast_rows(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The lowest contrasts per theme and scheme, filled by test_themes; printed at the
    end of the run and written to contrast.md in pytest's temporary directory."""
    rows: list[dict[str, Any]] = []
    request.config.stash[CONTRAST_ROWS] = rows
    return rows


CONTRAST_ROWS = pytest.StashKey[list[dict[str, Any]]]()


def contrast_table(rows: list[dict[str, Any]]) -> str:
    def cell(label: Any) -> str:
        return "-" if label is None else f"{label.ratio:.2f} ({label.text})"

    header = ("| theme | scheme | page | palette | labels min | edge labels min | "
              "down-box labels min | broken-edge labels min | texts |")
    order = {theme: i for i, theme in enumerate(THEMES)}
    ranked = sorted(rows, key=lambda r: (order.get(r["theme"], 99), r["scheme"] != "light"))
    lines = [header, "| --- " * 9 + "|"] + [
        f"| {row['theme']} | {row['scheme']} | {row['page']} | {row['palette']} | "
        f"{cell(row['labels'])} | {cell(row['edges'])} | {cell(row['down'])} | "
        f"{cell(row['broken'])} | {row['count']} |" for row in ranked]
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = config.stash.get(CONTRAST_ROWS, None)
    if not rows:
        return
    table = contrast_table(rows)
    terminalreporter.section("figure contrast per theme and scheme (JavaScript on)")
    terminalreporter.write(table)
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        target = factory.getbasetemp() / "contrast.md"
        target.write_text(table, encoding="utf-8")
        terminalreporter.write_line(f"written to {target}")
