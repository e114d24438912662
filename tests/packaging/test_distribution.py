"""The package a user installs: the wheel and sdist built by the project's own backend, the
wheel installed into a fresh virtual environment without the source tree, and a small Sphinx
project built with it, warnings as errors; the Read the Docs configuration's own commands.
"""

from __future__ import annotations

from collections.abc import Iterator
import email
import os
from pathlib import Path
import subprocess
import sys
import tarfile
import zipfile

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / "requirements" / f"py{sys.version_info[0]}.{sys.version_info[1]}.txt"


def _build(kind: str, outdir: Path) -> Path:
    """Build the wheel or sdist with flit_core, the backend pyproject.toml names."""
    code = (f"import flit_core.buildapi as b; print(b.build_{kind}({str(outdir)!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return outdir / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    outdir = tmp_path_factory.mktemp("dist")
    return {"wheel": _build("wheel", outdir), "sdist": _build("sdist", outdir)}


def _venv(where: Path) -> Path:
    """A fresh virtual environment; its Python."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(PINS), "--upgrade",
                    "pip"], check=True)
    return python


@pytest.fixture(scope="module")
def installed(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Path]:
    """The wheel (with MyST) in a fresh environment, started from a folder that is not the
    source tree, so that nothing of the checkout can be imported by accident."""
    python = _venv(tmp_path_factory.mktemp("venv") / "env")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(PINS),
                    f"{dist['wheel']}[myst]"], check=True)
    yield python


def test_wheel_metadata_declares_the_licence_and_typing(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(wheel.read(meta_name))
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in meta.get_all("License-File", [])
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "sphinx_k8sarch/py.typed" in names
    classifiers = meta.get_all("Classifier", [])
    for wanted in ("Framework :: Sphinx :: Extension", "Typing :: Typed",
                   "Programming Language :: Python :: 3.11",
                   "Programming Language :: Python :: 3.13"):
        assert wanted in classifiers
    # Development tools are dependency groups, not extras offered to users.
    assert meta.get_all("Provides-Extra", []) == ["myst"]
    requires = " ".join(meta.get_all("Requires-Dist", []))
    for tool in ("ruff", "mypy", "playwright", "pytest"):
        assert tool not in requires
    # What the extension needs at run time ships inside the wheel.
    for shipped in ("sphinx_k8sarch/static/k8sarch.css",
                    "sphinx_k8sarch/locale/es/LC_MESSAGES/sphinx_k8sarch.mo",
                    "sphinx_k8sarch/k8s-cluster.schema.json"):
        assert shipped in names


def test_sdist_holds_tests_docs_and_licence(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for wanted in ("LICENSE", "pyproject.toml", "README.md", "noxfile.py",
                   "requirements/py3.11.txt", "tests/conftest.py", "docs/conf.py",
                   "docs/curso/diagrama-ha.md", "tools/update_pins.py"):
        assert wanted in names, wanted
    assert not any("__pycache__" in name or name.startswith("docs/_build") for name in names)


def test_installed_wheel_builds_a_project_with_warnings_as_errors(
        installed: Path, tmp_path: Path) -> None:
    src = tmp_path / "project"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_k8sarch"]\n',
                                 encoding="utf-8")
    (src / "index.rst").write_text(
        "Cluster\n=======\n\n.. k8s-cluster:: Lab\n\n   control-plane: 3\n   workers: 2\n"
        "   load-balancer: haproxy\n\n.. toctree::\n\n   page\n", encoding="utf-8")
    (src / "page.md").write_text(
        "# Page\n\n```{k8s-cluster} Single\ncontrol-plane: 1\n```\n", encoding="utf-8")
    out = tmp_path / "html"
    done = subprocess.run([str(installed), "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           str(src), str(out)], cwd=tmp_path, capture_output=True, text=True,
                          check=False)
    # The single-node page warns (ha-single) by design; -W turns it into a failure that
    # names it, which shows the MyST page was read and checked by the installed extension.
    assert done.returncode != 0
    assert "page.md:4: WARNING" in done.stderr and "[k8sarch.ha-single]" in done.stderr
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_k8sarch"]\n'
                                 'suppress_warnings = ["k8sarch.ha-single"]\n',
                                 encoding="utf-8")
    done = subprocess.run([str(installed), "-m", "sphinx", "-W", "--keep-going", "-E", "-b",
                           "html", str(src), str(out)], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="k8sarch-svg"' in html and "cp-3" in html
    assert 'class="k8sarch-svg"' in (out / "page.html").read_text(encoding="utf-8")
    assert (out / "_static" / "k8sarch.css").is_file()
    # The installed package is the one that ran, not the checkout.
    where = subprocess.run([str(installed), "-c",
                            "import sphinx_k8sarch; print(sphinx_k8sarch.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where
    doctor = subprocess.run([str(installed.parent / "k8sarch"), "doctor"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "renderer: graphviz-pure ->" in doctor.stdout


def test_read_the_docs_builds_the_site_with_pip_only(tmp_path: Path) -> None:
    """Run the install commands of .readthedocs.yaml in a fresh environment, then build the
    site as Read the Docs does (its configuration file, warnings as errors)."""
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert "apt_packages" not in config["build"]
    assert config["sphinx"]["fail_on_warning"] is True
    python = _venv(tmp_path / "env")
    for command in config["build"]["jobs"]["install"]:
        words = command.split()
        assert words[:3] == ["python", "-m", "pip"], command
        subprocess.run([str(python), *words[1:]], cwd=ROOT, check=True)
    conf = ROOT / config["sphinx"]["configuration"]
    done = subprocess.run([str(python), "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           "-d", str(tmp_path / "doctrees"), str(conf.parent),
                           str(tmp_path / "html")], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "html" / "curso" / "diagrama-ha.html").is_file()
