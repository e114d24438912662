"""The output of ``k8sarch check``: one located diagnostic per line."""

from __future__ import annotations

import re

CHECK_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<sev>error|warning): (?P<msg>.+) "
                        r"\[k8sarch\.(?P<sub>[a-z-]+)\]$")
