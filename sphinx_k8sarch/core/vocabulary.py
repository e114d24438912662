"""Every key, default, limit and choice of the extension, once.

Validation, the importers, the JSON Schema, the CLI, the Sphinx layer and the generated
documentation tables all read these names; nothing else spells them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Any

# -- the spec --------------------------------------------------------------------------------


class EtcdTopology(StrEnum):
    STACKED = "stacked"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Key:
    """One top-level key of the spec: its default and, for the docs, what it takes."""

    name: str
    default: Any
    takes: str


#: kubeadm's defaults, in drawing order: what a control-plane node and a worker run.
CONTROL_PLANE_DEFAULT = (
    "kube-apiserver",
    "etcd",
    "kube-scheduler",
    "kube-controller-manager",
    "kubelet",
    "container-runtime",
    "kube-proxy",
)
WORKER_DEFAULT = ("kubelet", "container-runtime", "kube-proxy")
#: The add-ons every imported cluster has: kubeadm and k3s install CoreDNS, and no cluster
#: is ready without a CNI plugin. ``addons:`` takes any add-on of the catalog.
CLUSTER_ADDONS = ("coredns", "cni")
#: Network plugins that ``addons:`` may name in place of ``cni`` (``addons: [calico]``):
#: the figure then names the plugin. Each name, and the others people write for it.
CNI_PLUGINS = {"calico": "calico", "cilium": "cilium", "flannel": "flannel",
               "kindnet": "kindnet", "kindnetd": "kindnet", "weave": "weave",
               "weave-net": "weave", "antrea": "antrea"}
#: Container runtimes (the kubelet needs a CRI runtime; dockershim went in 1.24).
RUNTIMES = ("containerd", "cri-o")
#: Names that also choose the runtime flavour shown in the diagram.
RUNTIME_FLAVOURS = {"containerd": "containerd", "cri-o": "cri-o", "crio": "cri-o"}
#: Load balancer kinds with a known meaning; anything else is kept as a free label.
LB_KINDS = ("none", "haproxy", "keepalived", "kube-vip", "cloud")
#: ``load-balancer: {type: ..., on: control-plane}``: load balancers that run on the
#: control-plane nodes, and the components each draws there.
LB_ON_NODES = {"kube-vip": ("kube-vip",), "keepalived-haproxy": ("keepalived", "haproxy")}
LB_KEYS = ("type", "on")
#: The port of the virtual IP: kube-vip answers on the API server's own port; HAProxy beside
#: an API server must listen on another (kubeadm's guide uses 8443).
LB_ON_NODES_PORT = {"kube-vip": "6443", "keepalived-haproxy": "8443"}
#: Where clients are drawn when the spec says nothing.
CLIENTS_DEFAULT = ("kubectl",)
#: What an external etcd host runs: kubeadm's recipe for an external etcd cluster starts
#: etcd as a static Pod, so the host also runs a kubelet and a container runtime.
ETCD_HOST_DEFAULT = ("etcd", "kubelet", "container-runtime")
#: How the cluster was built: kubeadm (kind and Cluster API use it too) or k3s (k3d).
DISTRIBUTIONS = ("kubeadm", "k3s")
#: The newest Kubernetes minor release, the default of ``kubernetes-version`` (v1.36,
#: released 2026-04-22: https://kubernetes.io/blog/2026/04/22/kubernetes-v1-36-release/).
KUBERNETES_CURRENT = (1, 36)
#: From this release kubeadm points the kubelet of a control-plane node at the local API
#: server (feature gate ControlPlaneKubeletLocalMode, on by default from 1.33; KEP-4471);
#: before, it used the cluster endpoint.
KUBELET_LOCAL_FROM = (1, 33)

#: (lowest, highest) of each count.
LIMITS = {"control-plane": (1, 99), "workers": (0, 10_000), "members": (1, 15)}
#: External etcd members when ``etcd: external`` gives no count.
EXTERNAL_MEMBERS_DEFAULT = 3
#: Longest load-balancer label (and datastore label), counted after stripping white space.
LB_LABEL_MAX = 60
#: Longest title: it is drawn as the picture's tooltip and read out as its name.
TITLE_MAX = 200
#: Longest ``links:`` target.
MAX_LINK = 2000

SPEC_KEYS = (
    Key("title", None, "the title, when the directive has no argument (spec files, CLI)"),
    Key("control-plane", 1, "a count ({low}–{high}), or ``{{count: N, components: [...]}}``"),
    Key("workers", 0, "a count ({low}–{high}), ``{{count: N, components: [...]}}``, or a "
        "list of pools ``- {{name: gpu, count: 2, components: [...]}}``"),
    Key("etcd", EtcdTopology.STACKED.value,
        "``stacked``, ``external``, or ``{{topology: external, members: N}}`` ({low}–{high})"),
    Key("load-balancer", "none", "{lb_kinds}, a label, or ``{{type: kube-vip, on: "
        "control-plane}}`` (also ``keepalived-haproxy``)"),
    Key("clients", list(CLIENTS_DEFAULT), "components outside the cluster"),
    Key("runtime", RUNTIMES[0], "{runtimes}"),
    Key("addons", [], "add-ons of the catalog, such as ``[coredns, cni, metrics-server]``"),
    Key("components", None, "the project's own components: ``name``, ``label``, "
        "``runs-on``, ``talks-to``, ``description``"),
    Key("kubernetes-version", f"{KUBERNETES_CURRENT[0]}.{KUBERNETES_CURRENT[1]}",
        "a Kubernetes release such as ``1.32`` or ``v1.32.4``; what the kubelet of a "
        "control-plane node talks to depends on it"),
    Key("distribution", DISTRIBUTIONS[0], "{distributions}: how the cluster is built"),
    Key("names", None, "real names of machines as drawn: ``{{cp-1: ip-10-0-1-17, ...}}``; "
        "``zones`` and ``failures`` accept them too"),
    Key("zones", None, "failure domains: a list of zone names (machines are spread over them "
        "in turn) or ``{{zone: [machine, ...]}}``"),
    Key("failures", None, "what is down: machine names as drawn (``cp-2``), "
        "``load-balancer`` or a zone"),
    Key("datastore", None,
        "where the state is kept when no etcd is drawn, e.g. ``SQLite`` (k3s)"),
    Key("links", None,
        "where boxes link: component or machine name → URL, ``ref:label``, ``doc:path``"),
)
KEYS = tuple(key.name for key in SPEC_KEYS)
#: What the validator uses for a key that is left out.
DEFAULTS: dict[str, Any] = {key.name: key.default for key in SPEC_KEYS
                            if key.default is not None}
POOL_KEYS = ("count", "components")
#: A pool in the list form of ``workers`` also has a name.
NAMED_POOL_KEYS = ("name", "count", "components")
#: Pool names, from which machine names are made (``gpu`` → ``gpu-1``); ``cp`` and ``etcd``
#: name the control plane's and external etcd's machines already.
POOL_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
POOL_NAME_MAX = 30
RESERVED_POOL_NAMES = ("cp", "etcd")
#: The project's own components (``components:``).
OWN_KEYS = ("name", "label", "runs-on", "talks-to", "description")
OWN_NAME = POOL_NAME
OWN_NAME_MAX = 40
#: Where an own component runs, besides a pool's name.
RUNS_ON = ("control-plane", "workers", "addons", "outside")
#: ``talks-to`` entries: a name, with ``:port`` optionally.
TALKS_TO = re.compile(r"^([A-Za-z0-9_. -]+?)(?::([0-9]{1,5}))?$")
#: Longest description of an own component, per language.
DESCRIPTION_MAX = 1000
ETCD_KEYS = ("topology", "members", "components")
#: ``kubernetes-version``: ``1.33``, ``v1.33`` or ``v1.33.2`` (a patch or pre-release part
#: is accepted and ignored).
KUBERNETES_VERSION = re.compile(
    r"^v?(1)\.([0-9]{1,3})(?:\.[0-9]{1,4})?(?:[-+][0-9A-Za-z.+-]*)?$")
#: Machines are named like the diagram draws them: cp-1, worker-2, etcd-3, gpu-1 (a pool).
MACHINE = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-([1-9][0-9]{0,5})$")


def key_takes(key: Key) -> str:
    """What ``key`` takes, with its limits and choices filled in (docs table)."""
    limits = LIMITS.get("members" if key.name == "etcd" else key.name, (0, 0))
    return key.takes.format(low=limits[0], high=limits[1],
                            lb_kinds=", ".join(f"``{k}``" for k in LB_KINDS),
                            runtimes=" or ".join(f"``{r}``" for r in RUNTIMES),
                            distributions=" or ".join(f"``{d}``" for d in DISTRIBUTIONS))


def parse_version(text: str) -> tuple[int, int] | None:
    """``v1.33.2`` → (1, 33); None when it is not a Kubernetes release."""
    match = KUBERNETES_VERSION.fullmatch(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


# -- links -----------------------------------------------------------------------------------

#: Schemes a ``links:`` target may start with (any case); other ``scheme:`` prefixes are
#: refused, text without one is a Sphinx label.
LINK_SCHEMES = ("http", "https", "ref", "doc")
#: Schemes a link may have once it is written into a page or a standalone SVG.
URL_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def link_scheme(target: str) -> str | None:
    """The ``scheme`` of a ``scheme:`` prefix (lower case), or None for a bare label."""
    match = _SCHEME.match(target)
    return match.group(0)[:-1].lower() if match else None


def link_target(target: str) -> tuple[str, str]:
    """Classify an accepted ``links:`` target: ("url", URL), ("doc", path) or ("ref",
    label)."""
    lowered = target.lower()
    if lowered.startswith(tuple(f"{scheme}://" for scheme in URL_SCHEMES)):
        return "url", target
    if lowered.startswith("doc:"):
        return "doc", target[4:].strip()
    if lowered.startswith("ref:"):
        return "ref", target[4:].strip()
    return "ref", target


# -- input -----------------------------------------------------------------------------------

#: Input formats: ``auto`` tells them apart by ``apiVersion`` and ``kind``.
FORMATS = ("auto", "spec", "kind", "kubeadm", "k3d", "capi", "kubectl")
#: A directive argument with one of these suffixes (and no spaces) names a spec file.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")

#: Limits of the YAML reader (alias bombs, deep nesting, huge texts). Python refuses to
#: turn integers of more than 4300 digits into text, and a hex or sexagesimal literal gets
#: there from fewer characters; no count in a spec needs more than a few digits.
MAX_NODES = 5_000
MAX_DEPTH = 20
MAX_TEXT = 200_000
MAX_NUMBER = 200
#: What ``kubectl get nodes,pods -A`` saves is machine-written and grows with the cluster:
#: in JSON it is read by the json module, which has no aliases to expand, up to this many
#: characters; in YAML (``-o yaml``), whose reader is slower, up to these limits.
MAX_JSON_TEXT = 64_000_000
MAX_LIST_TEXT = 1_000_000
MAX_LIST_NODES = 100_000

# -- HA advice -------------------------------------------------------------------------------

#: Control-plane nodes (and external etcd members) that high availability needs.
HA_MINIMUM = 3
#: etcd advises no more than this many members.
ETCD_ADVISED_MAX = 7

# -- drawing and output ----------------------------------------------------------------------

#: Pools larger than this are drawn as the first ``SHOWN`` machines plus one folded box,
#: so that 5 control-plane nodes and 50 workers stay as legible as 3 + 3.
COLLAPSE_ABOVE = 4
SHOWN = 3


def machine_name(prefix: str, number: int) -> tuple[str, str]:
    """A drawn machine's DOT id and label: ``worker3``, ``worker-3``."""
    return f"{prefix}{number}", f"{prefix}-{number}"


def folded_label(prefix: str, first: int, last: int) -> str:
    """The label of a folded box standing for machines ``first`` … ``last`` of a pool."""
    return f"{prefix}-{first} … {prefix}-{last}"


#: ``failures:`` names machines, a zone, or the load balancer by this word.
LB_FAILURE = "load-balancer"
#: Zone names: as Kubernetes' topology.kubernetes.io/zone values usually are.
ZONE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
#: ``names:``: a machine's real name is at most a DNS subdomain long (a Node's name); the
#: figure shortens longer ones than NAME_DRAWN in the middle, the text keeps them whole.
NAME_MAX = 253
NAME_DRAWN = 24
#: Defaults behind the failure verdicts: kube-scheduler's and kube-controller-manager's
#: --leader-elect-lease-duration, and the toleration of node.kubernetes.io/unreachable
#: that Pods get by default (seconds).
LEASE_DURATION = 15
UNREACHABLE_TOLERATION = 300

#: The port of the ``kubernetes`` Service through which Pods reach the API servers.
SERVICE_PORT = "443"
#: Languages of generated text.
LANGUAGES = ("en", "es")
#: Layouts of the component descriptions under a diagram.
DESCRIPTION_STYLES = ("list", "table", "none")
#: Where a click on a component leads.
LINK_COMPONENTS = ("description", "glossary")
#: The renderer installed with the extension, and how long one render may take.
DEFAULT_RENDERER = "graphviz-pure"
RENDER_TIMEOUT = 30.0
#: Formats a renderer is asked for.
RENDER_FORMATS = ("svg", "png", "pdf")
#: Resolution of raster output (LaTeX PNG figures, ``k8sarch render -o x.png``).
RASTER_DPI = 300
#: How a figure is laid out: columns along the flow of a request (fits a text column up
#: to 5 control-plane nodes), or the same bands as rows (for wide pages).
LAYOUTS = ("left-to-right", "top-down")
