"""Where the renderer is found: a path as given, the running Python's folder and scripts
folder, the user scripts folder of ``pip install --user``, then PATH; with the platform's
executable suffix (``graphviz-pure.exe`` in a Windows virtual environment)."""

from __future__ import annotations

from pathlib import Path
import stat
import sys
import sysconfig

import pytest

from sphinx_k8sarch.core import render
from sphinx_k8sarch.core.render import find_renderer, locate_renderer


def _tool(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A fake interpreter folder, scripts folder, user scripts folder and PATH."""
    places = {name: tmp_path / name for name in ("python", "scripts", "user", "path")}
    for place in places.values():
        place.mkdir()
    monkeypatch.setattr(sys, "executable", str(places["python"] / "python"))

    def get_path(name: str, scheme: str | None = None) -> str:
        assert name == "scripts"
        return str(places["user"] if scheme and scheme.endswith("_user") else places["scripts"])

    monkeypatch.setattr(render.sysconfig, "get_path", get_path)
    monkeypatch.setenv("PATH", str(places["path"]))
    return places


@pytest.mark.parametrize(("where", "how"), [
    ("python", "beside the running Python"),
    ("scripts", "in this Python's scripts folder"),
    ("user", "in the user scripts folder"),
    ("path", "on PATH"),
])
def test_each_place_is_searched(folders: dict[str, Path], where: str, how: str) -> None:
    tool = _tool(folders[where], "graphviz-pure")
    found = locate_renderer(None)
    assert found is not None and (found.path, found.how) == (str(tool), how)


def test_earlier_places_win(folders: dict[str, Path]) -> None:
    _tool(folders["path"], "graphviz-pure")
    user = _tool(folders["user"], "graphviz-pure")
    assert find_renderer("graphviz-pure") == str(user)


def test_windows_suffix_is_tried(folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
                                 ) -> None:
    real = sysconfig.get_config_var
    monkeypatch.setattr(render.sysconfig, "get_config_var",
                        lambda name: ".exe" if name == "EXE" else real(name))
    tool = _tool(folders["scripts"], "graphviz-pure.exe")
    assert find_renderer(None) == str(tool)
    assert find_renderer("graphviz-pure.exe") == str(tool)


def test_a_path_is_taken_as_given_and_must_be_executable(folders: dict[str, Path],
                                                         tmp_path: Path) -> None:
    tool = _tool(tmp_path / "elsewhere", "dot")
    found = locate_renderer(str(tool))
    assert found is not None and found.how == "the path given"
    tool.chmod(0o644)
    assert locate_renderer(str(tool)) is None


def test_nothing_found(folders: dict[str, Path]) -> None:
    assert locate_renderer("graphviz-pure") is None
