"""Hypothesis strategies and settings shared by the property tests of the core
(``tests/core/test_properties.py``) and of the CLI (``tests/cli/test_cli_properties.py``).

Examples per property: 10,000 when the environment variable ``CI`` is set (derandomized, so
every CI run tries the same inputs), 300 otherwise. The profiles are registered here and
applied per test, so no other module's settings change.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
import yaml

from sphinx_k8sarch.core import components as comp
from sphinx_k8sarch.core.vocabulary import KEYS, LB_KINDS, RUNTIMES

CI = bool(os.environ.get("CI"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("k8sarch-ci", max_examples=10_000, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_HEALTH)
settings.register_profile("k8sarch-dev", max_examples=300, deadline=None,
                          suppress_health_check=_HEALTH)
PROFILE = settings.get_profile("k8sarch-ci" if CI else "k8sarch-dev")
#: Rendering runs a process per example: a sample is enough to check the whole chain.
RENDER_PROFILE = settings(PROFILE, max_examples=25 if CI else 5)


# -- strategies ---------------------------------------------------------------------------

COMPONENT_NAMES = [*comp.CATALOG, *comp.ALIASES, "kube-sheduler", "docker", "KUBELET",
                   "DB-ETCD", "  etcd ", "kube_proxy", "Kube Scheduler", ""]
WORDS = [*COMPONENT_NAMES, *LB_KINDS, *RUNTIMES, *KEYS, "stacked", "external", "count",
         "components", "topology", "members", "yes", "no", "on", "null", "~", "3", "0x1F",
         "1:30", "2024-13-45", "2024-01-01", ".inf", ".nan", "<<", "*a", "&a", "!!int"]
HUGE = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 99, 100, 10_000, 10_001, -1, -(2**63), 2**63,
        10**100]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(WORDS),
)
#: Any YAML-shaped value: scalars, lists and mappings nested a few levels.
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), inner,
                        max_size=4),
    ),
    max_leaves=8,
)
counts = st.one_of(st.integers(-3, 20), st.sampled_from(HUGE), anything)
names = st.one_of(
    st.none(), st.sampled_from(COMPONENT_NAMES),
    st.lists(st.one_of(st.sampled_from(COMPONENT_NAMES), anything), max_size=6), anything,
)
labels = st.one_of(st.sampled_from([*LB_KINDS, "", "  ", "HAProxy", "none "]),
                   st.text(max_size=70), anything)
pools = st.one_of(counts, st.fixed_dictionaries({}, optional={
    "count": counts, "components": names, "replicas": anything}))
etcds = st.one_of(
    st.sampled_from(["stacked", "external", "External", "apilado"]),
    st.fixed_dictionaries({}, optional={
        "topology": st.one_of(st.sampled_from(["stacked", "external"]), anything),
        "members": counts, "size": anything}),
    anything,
)
link_keys = st.one_of(st.sampled_from([*comp.CATALOG, "cp-1", "worker-2", "etcd-3", "cp-0",
                                       "node-1"]), st.text(max_size=10))
link_targets = st.one_of(
    st.sampled_from(["https://kubernetes.io/docs/", "ref:fig-ha", "doc:index", "glossary",
                     "javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "", "http:"]),
    anything,
)
SPEC_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.one_of(st.text(max_size=40), anything),
    "control-plane": pools,
    "workers": pools,
    "etcd": etcds,
    "load-balancer": labels,
    "clients": names,
    "runtime": st.one_of(st.sampled_from([*RUNTIMES, "docker", "CRI-O", "crio"]), anything),
    "addons": names,
    "links": st.one_of(st.dictionaries(link_keys, link_targets, max_size=3), anything),
    # Failure domains, with names a DOT id or a class name could not hold as they are.
    "zones": st.one_of(st.lists(st.one_of(st.sampled_from(["a", "b", "c", "rack-1",
                                                            "zone b", "{x}", '"q"']),
                                          st.text(max_size=8)), max_size=4), anything),
}
#: Clusters spread over failure domains: zone frames in every column, external etcd's too.
zoned_specs = st.fixed_dictionaries({
    "control-plane": st.integers(1, 7),
    "workers": st.one_of(st.integers(0, 8), st.lists(st.fixed_dictionaries({
        "name": st.sampled_from(["general", "gpu", "batch"]), "count": st.integers(1, 5)}),
        min_size=1, max_size=2, unique_by=lambda pool: pool["name"])),
    "etcd": st.one_of(st.sampled_from(["stacked", "external"]), st.fixed_dictionaries(
        {"topology": st.just("external"), "members": st.integers(1, 7)})),
    "load-balancer": st.sampled_from(["haproxy", "none", "cloud"]),
    "clients": st.sampled_from([[], ["kubectl"], ["kubectl", "helm"]]),
    "zones": st.lists(st.sampled_from(["a", "b", "c", "rack-1", "zone b", "{x}", "eu-west-1a"]),
                      min_size=1, max_size=3, unique=True),
})
specs = st.one_of(
    st.builds(lambda known, extra: {**extra, **known},
              st.fixed_dictionaries({}, optional=SPEC_VALUES),
              st.dictionaries(st.one_of(st.sampled_from(["control-plan", "worker", "lb",
                                                         "Title"]), st.text(max_size=8)),
                              anything, max_size=2)),
    anything,
)


@st.composite
def dumped(draw: st.DrawFn, data: st.SearchStrategy[Any]) -> str:
    """YAML text of ``data`` in one of the styles people write (block, flow, mixed)."""
    return yaml.safe_dump(draw(data), default_flow_style=draw(st.sampled_from([None, False,
                                                                                True])),
                          allow_unicode=draw(st.booleans()), sort_keys=draw(st.booleans()),
                          width=draw(st.sampled_from([20, 80, 10_000])))


#: Lines and pieces of specs, so random text reaches the validator, not only the YAML
#: scanner: keys, indentation, flow collections, anchors, tags, quotes, tabs, controls.
FRAGMENTS = [
    "control-plane: 3", "control-plane: 1", "workers: 2", "workers: 10001", "etcd: stacked",
    "etcd: external", "etcd:", "  topology: external", "  members: 3", "  members: 4",
    "load-balancer: haproxy", "load-balancer: none", "load-balancer: 'my lb'",
    "clients: [kubectl]", "runtime: cri-o", "addons: [coredns, cni]", "title: Production",
    "control-plane:", "workers:", "  count: 3", "  components: [kube-apiserver, etcd]",
    "  components:", "    - kubelet", "    - DB-ETCD", "  - x", "- control-plane: 3",
    "base: &a {count: 3}", "workers: *a", "  <<: *a", "links:", "  etcd: https://etcd.io/",
    "? [a]", ": b", "{", "}", "[", "]", "'", '"', "#", "|", ">", "!!int x", "!!binary x",
    "!!python/object:os.system", "%YAML 1.1", "---", "...", "\t", "\x00", "\x1b", "\x7f",
    "\x85", "\u2028", "\ufeff", "\\", "&", "*", "<<: [*a, *a]", "title: \"a\\eb\"",
    "workers: 0x" + "f" * 300, "a: " + "[" * 30,
]
lines = st.builds(
    lambda indent, body, tail: indent + body + tail,
    st.sampled_from(["", "", "  ", "    ", " ", "\t"]),
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
    st.one_of(st.sampled_from(["", "", " # note", " ", ":", ": x", ",", "]"]),
              st.text(max_size=4)),
)
texts = st.one_of(
    st.text(max_size=200),
    st.builds(lambda parts, sep, end: sep.join(parts) + end,
              st.lists(lines, max_size=14), st.sampled_from(["\n", "\n", "\r\n", "\r"]),
              st.sampled_from(["", "\n"])),
    dumped(specs),
)
