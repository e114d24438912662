"""Find the Python interpreters of the version matrix: a variable, PATH, then pyenv.

Used by ``tools/update_pins.py`` and ``noxfile.py``; standard library only, so that it
runs before any virtual environment exists.
"""

from __future__ import annotations

import os
from pathlib import Path
import shutil
import subprocess


def find(version: str) -> tuple[str | None, str]:
    """(path, how it was found) of a ``python<version>``, or (None, why it was not).

    ``K8SARCH_PYTHON<digits>`` (``K8SARCH_PYTHON312`` for 3.12) wins, then
    ``python<version>`` on PATH, then the newest pyenv installation of that version.
    """
    variable = "K8SARCH_PYTHON" + version.replace(".", "")
    given = os.environ.get(variable)
    if given:
        if Path(given).is_file() and os.access(given, os.X_OK):
            return given, f"${variable}"
        return None, f"${variable}={given} is not an executable file"
    on_path = shutil.which(f"python{version}")
    if on_path and _reports(on_path, version):
        return on_path, "PATH"
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True,
                                    text=True, timeout=30, check=False).stdout.split()
        except (OSError, subprocess.SubprocessError):
            listed = []
        candidates = sorted((v for v in listed if v.startswith(version + ".")
                             and v[len(version) + 1:].isdigit()),
                            key=lambda v: int(v.rsplit(".", 1)[1]))
        for name in reversed(candidates):
            prefix = subprocess.run([pyenv, "prefix", name], capture_output=True, text=True,
                                    timeout=30, check=False).stdout.strip()
            path = Path(prefix) / "bin" / f"python{version}"
            if path.is_file() and _reports(str(path), version):
                return str(path), f"pyenv {name}"
    return None, (f"no python{version}: set {variable}, put python{version} on PATH or "
                  "install it with pyenv")


def _reports(path: str, version: str) -> bool:
    """A pyenv shim on PATH exists for every version; only a working one counts."""
    try:
        done = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == version
