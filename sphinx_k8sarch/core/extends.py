"""``:extends:``: a step of a course states only what changes from an earlier figure."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .model import Cluster


def merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The spec data of a step: mappings merge key by key, everything else replaces."""
    result = copy.deepcopy(base)
    for key, value in change.items():
        old = result.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            result[key] = merge(old, value)
        elif isinstance(value, dict) and isinstance(old, int) and key in ("control-plane",
                                                                          "workers"):
            # A bare count in the base becomes {count: N} so a step can add components.
            result[key] = merge({"count": old}, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


@dataclass(frozen=True)
class Step:
    """What a step adds to the figure it extends."""

    #: Components that appear for the first time, in the cluster or in one of its pools.
    added: frozenset[str]
    #: Pools that gained machines: ``control-plane``, or a worker pool's machine prefix
    #: (``worker`` for the unnamed pool, else the pool's name).
    grown: frozenset[str]


def difference(base: Cluster, cluster: Cluster) -> Step:
    added = set(cluster.all_components()) - set(base.all_components())
    added |= {c for c in cluster.control_plane.components if not base.control_plane.has(c)}
    old = {p.prefix: p for p in base.pools}
    grown = set()
    for pool in cluster.pools:
        before = old.get(pool.prefix)
        added |= {c for c in pool.components if before is None or not before.has(c)}
        if pool.count > (before.count if before else 0):
            grown.add(pool.prefix)
    if cluster.control_plane.count > base.control_plane.count:
        grown.add("control-plane")
    return Step(frozenset(added), frozenset(grown))
