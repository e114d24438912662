"""Import real cluster configuration files (kind, kubeadm, k3d) into the spec vocabulary.

:func:`convert` loads a file, works out which tool wrote it (from ``apiVersion``/``kind``, or
from an explicit format), and translates it into spec data: a mapping with the keys of
:data:`sphinx_k8sarch.spec.KEYS`. The line table of the result maps spec paths such as
``("control-plane",)`` or ``("etcd", "members")`` to lines of the *original* file, so what
:func:`sphinx_k8sarch.spec.build` and the HA findings report points into that file. Sphinx
is not needed here.

Formats and how they are detected
=================================

============  =========================================================================
format        recognised by
============  =========================================================================
``spec``      a document without ``apiVersion`` and ``kind`` (``auto``), or asked for
``kind``      ``apiVersion: kind.x-k8s.io/v1alpha4``, ``kind: Cluster``
``kubeadm``   ``apiVersion: kubeadm.k8s.io/v1beta3`` or ``v1beta4``; a stream of documents
              (``---``) holding a ``ClusterConfiguration`` and/or an
              ``InitConfiguration``, plus any ``JoinConfiguration``,
              ``ResetConfiguration``, ``UpgradeConfiguration``,
              ``KubeletConfiguration`` (``kubelet.config.k8s.io``) and
              ``KubeProxyConfiguration`` (``kubeproxy.config.k8s.io``), which are skipped
``k3d``       ``apiVersion: k3d.io/v1alpha5`` or ``v1alpha4``, ``kind: Simple``
============  =========================================================================

A known group at another version (``kind.x-k8s.io/v1alpha3``, ``kubeadm.k8s.io/v1beta2``,
``k3d.io/v1alpha3``) is an ``import`` error at the ``apiVersion`` line naming the versions
that are read. So is any other ``apiVersion`` (but a foreign document inside a kubeadm
stream is skipped with a warning, as kubeadm does), an explicit format that disagrees with
the file (``kubeadm`` for a kind file, ``spec`` for a k3d file, ``kind`` for a file without
``apiVersion``), and a second document in a kind or k3d file. YAML syntax errors come from
:mod:`sphinx_k8sarch.yamlspec`, at their line, with the same size and depth limits.

The rule for fields
===================

* a field the tool defines and that shapes the drawing is **honoured**;
* a field the tool defines that cannot change the architecture (images, ports, mounts,
  labels, subnets, certificates, feature gates, timeouts, …) is **ignored silently**;
* a field the tool does not define, or a defined one whose effect on the architecture the
  diagram cannot show, gives an ``import`` **warning** at its line, and the rest is drawn;
* a value the tool itself would refuse (an unknown kind node role, a ``kubeProxyMode`` kind
  does not know, ``etcd.local`` together with ``etcd.external``) is an **error** at its line.

On any error :func:`convert` returns ``None`` instead of data, so nothing is drawn.

Lines
=====

Every spec key of the result has a line in the file, so that spec.build's errors and the HA
findings point at the field responsible: kind ``control-plane`` / ``workers`` at the first
node of that role, ``load-balancer`` at ``nodes``; kubeadm ``load-balancer`` at
``controlPlaneEndpoint``, ``etcd`` at ``etcd.external`` and ``("etcd", "members")`` at its
``endpoints``, the counts (which are options) at the start of the ClusterConfiguration; k3d
``control-plane`` at ``servers``, ``workers`` at ``agents``, ``load-balancer`` at
``disableLoadbalancer`` when written. Keys without a field of their own point at the start
of the document.

kind (``kind.x-k8s.io/v1alpha4`` ``Cluster``)
---------------------------------------------

=================================  =========================================================
honoured                           effect
=================================  =========================================================
``nodes[].role``                   ``control-plane`` or ``worker`` (default
                                   ``control-plane``); no ``nodes``: one control-plane
                                   node, as kind does; at least one control-plane node
more than one control-plane node   ``load-balancer: kind``: kind starts its own load
                                   balancer container in front of the API servers
                                   (``<name>-external-load-balancer``). It has long been
                                   an HAProxy image, which may change between kind
                                   versions, so the label names the tool, not a product.
(always)                           etcd stacked: kind runs kubeadm with local etcd on every
                                   control-plane node; runtime containerd; add-ons CoreDNS
                                   and a CNI plugin (kindnetd)
``networking.kubeProxyMode``       ``none`` removes kube-proxy from every node;
                                   ``iptables``, ``ipvs``, ``nftables`` change nothing drawn;
                                   anything else is an error
``name``                           the title
=================================  =========================================================

Ignored silently: ``featureGates``, ``runtimeConfig``, ``kubeadmConfigPatchesJSON6902``,
``containerdConfigPatches``, ``containerdConfigPatchesJSON6902``; in a node ``image``,
``labels``, ``extraMounts``, ``extraPortMappings``, ``gpus``,
``kubeadmConfigPatchesJSON6902``; in ``networking`` ``ipFamily``, ``apiServerAddress``,
``apiServerPort``, ``podSubnet``, ``serviceSubnet``, ``dnsSearch`` and
``disableDefaultCNI``. The last one only means that kind does not install kindnetd: the
cluster still needs a CNI plugin (the user installs Calico, Cilium, …) and the diagram's
``cni`` add-on stands for whichever is used, so the drawing does not change.

``kubeadmConfigPatches`` (cluster or node) are read: a patch that switches to external
etcd, disables the kube-proxy or CoreDNS add-on (``proxy.disabled``, ``dns.disabled``) or
skips an ``addon``, ``etcd`` or ``control-plane`` phase warns, as the diagram does not apply
it; every other patch is ignored silently.

Warned: any other top-level, node or ``networking`` field. kind decodes its file strictly
and refuses unknown fields, but a field may only be newer than these lists, so the diagram
warns and draws the rest rather than failing the build.

kubeadm (``kubeadm.k8s.io/v1beta3`` and ``v1beta4``)
-----------------------------------------------------

A kubeadm file does not say how many machines run ``kubeadm join``, so the counts come from
``counts`` (the ``:control-plane:`` / ``:workers:`` options, ``--control-plane`` /
``--workers`` on the command line): 1 control-plane node and 0 workers when not given.

==============================================  ============================================
honoured                                        effect
==============================================  ============================================
``controlPlaneEndpoint``                        a load balancer labelled with the endpoint
                                                (for example ``k8s-api.example.com:6443``;
                                                cut to its host, then to 60 characters).
                                                When it is set but no control-plane count
                                                was given, an ``import`` warning asks for
                                                one: the endpoint is what kubeadm wants for
                                                several control-plane nodes.
``etcd.local`` or no ``etcd``                   etcd stacked
``etcd.external.endpoints``                     external etcd, one member per endpoint,
                                                every API server connected to every member;
                                                no or empty ``endpoints``: error
``etcd.local`` and ``etcd.external``            error (kubeadm: mutually exclusive)
``dns.disabled: true`` (v1beta4)                no CoreDNS add-on
``proxy.disabled: true`` (v1beta4)              no kube-proxy on any node
``skipPhases`` (InitConfiguration)              ``addon`` / ``addon/all``: no CoreDNS and
                                                no kube-proxy; ``addon/coredns``,
                                                ``addon/kube-proxy``: that one; an
                                                ``etcd…`` or ``control-plane…`` phase warns
``nodeRegistration.criSocket`` (Init)           ``crio`` in the path: runtime cri-o;
                                                ``containerd``: containerd; another socket
                                                (cri-dockerd): a warning, containerd drawn
``clusterName``                                 the title
(always)                                        add-ons CoreDNS and a CNI plugin: kubeadm
                                                installs CoreDNS and a cluster is not
                                                Ready until a CNI plugin is installed
==============================================  ============================================

Ignored silently: ``networking``, ``kubernetesVersion``, ``apiServer``,
``controllerManager``, ``scheduler``, ``certificatesDir``, ``imageRepository``,
``featureGates``, ``encryptionAlgorithm``, ``certificateValidityPeriod``,
``caCertificateValidityPeriod``, ``metadata``, the rest of ``etcd.local``/``etcd.external``
and of ``dns``; in an InitConfiguration ``bootstrapTokens``, ``nodeRegistration`` (but
``criSocket``), ``localAPIEndpoint``, ``certificateKey``, ``patches``, ``dryRun``,
``timeouts``; whole ``JoinConfiguration``, ``ResetConfiguration``, ``UpgradeConfiguration``,
``KubeletConfiguration`` and ``KubeProxyConfiguration`` documents (kube-proxy's ``mode``
does not change what is drawn).

Warned: any other field of a ClusterConfiguration or InitConfiguration (``proxy`` and
``dns.disabled`` in a v1beta3 file among them: they came with v1beta4, v1beta3 kubeadm
ignores them, and so does the diagram), a document of another group in the stream (kubeadm
skips it too). Errors: two ClusterConfigurations or two InitConfigurations, a stream with
neither, an unknown kind in the kubeadm group, ``etcd.external.endpoints`` that is not a
list of URLs.

k3d (``k3d.io/v1alpha5`` and ``v1alpha4`` ``Simple``)
-----------------------------------------------------

==========================================  ================================================
honoured                                    effect
==========================================  ================================================
``servers`` (default 1)                     control-plane nodes: a k3s server runs the API
                                            server, scheduler, controller manager, kubelet,
                                            containerd and kube-proxy
``agents`` (default 0)                      workers
``options.k3d.disableLoadbalancer``         unless true: ``load-balancer: k3d serverlb``,
                                            the load balancer container k3d puts in front of
                                            the servers (also for a single server)
datastore                                   several servers: embedded etcd, stacked (k3d
                                            starts the first with ``--cluster-init``); one
                                            server: k3s keeps its state in SQLite through
                                            kine, which the spec cannot draw, so the server
                                            has no etcd and an ``import`` warning says so;
                                            ``--cluster-init`` on one server: embedded etcd
``--datastore-endpoint`` (k3s extraArgs)    ``http(s)://`` endpoints: external etcd, one
                                            member per comma-separated endpoint; any other
                                            (MySQL, PostgreSQL…): a warning, no etcd drawn
``--disable=coredns``                       no CoreDNS add-on (other ``--disable`` items
                                            such as traefik or servicelb are not drawn
                                            anyway)
``--disable-kube-proxy``                    no kube-proxy on any node
``metadata.name``                           the title
(always)                                    add-ons CoreDNS and a CNI plugin (flannel); a
                                            ``--flannel-backend=none`` cluster needs another
                                            CNI, so nothing changes
==========================================  ================================================

The ``nodeFilters`` of an extra argument are not looked at: a flag counts for the whole
cluster. Warned k3s flags, whose effect the diagram cannot show: ``--disable-etcd``,
``--disable-apiserver``, ``--disable-scheduler``, ``--disable-controller-manager``,
``--disable-agent``, ``--docker``, ``--container-runtime-endpoint``; every other k3s flag is
ignored silently. Ignored silently: ``kubeAPI``, ``image``, ``network``, ``subnet``,
``token``, ``volumes``, ``ports``, ``env``, ``registries``, ``hostAliases``, ``files``,
``manifests``, ``options.kubeconfig``, ``options.runtime``, ``options.k3s.nodeLabels`` and
the rest of ``options.k3d``. k3s's embedded cloud controller is not drawn. Warned: any other
field at the top level, in ``options``, ``options.k3d`` or ``options.k3s`` (k3d's schema
refuses them; warned, not refused, for the reason given for kind). Errors:
``servers`` below 1, ``agents`` below 0, or either not a whole number (k3d's own schema).

Counts given for a format that holds its own (spec, kind, k3d) are ignored with an
``option`` warning at the file's count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .components import CONTROL_PLANE_DEFAULT, WORKER_DEFAULT
from .diagnostics import (
    Diagnostic,
    Severity,
    Subtype,
    closest,
    describe_value,
    did_you_mean,
    has_errors,
)
from .model import LB_LABEL_MAX
from .yamlspec import Loaded, Path, load, load_all

FORMATS = ("auto", "spec", "kind", "kubeadm", "k3d")
#: k3s ``--datastore-endpoint`` schemes that kine reaches, by the name the summary shows.
DATASTORES = {"mysql": "MySQL", "postgres": "PostgreSQL", "postgresql": "PostgreSQL",
              "sqlite": "SQLite", "nats": "NATS"}

KIND_GROUP = "kind.x-k8s.io"
KIND_VERSIONS = ("v1alpha4",)
KUBEADM_GROUP = "kubeadm.k8s.io"
KUBEADM_VERSIONS = ("v1beta3", "v1beta4")
K3D_GROUP = "k3d.io"
K3D_VERSIONS = ("v1alpha4", "v1alpha5")
#: Other documents kubeadm reads in the same stream; none of them changes the drawing.
KUBEADM_COMPANIONS = {"kubelet.config.k8s.io": "KubeletConfiguration",
                      "kubeproxy.config.k8s.io": "KubeProxyConfiguration"}
GROUPS = {KIND_GROUP: "kind", KUBEADM_GROUP: "kubeadm", K3D_GROUP: "k3d"}
VERSIONS = {"kind": KIND_VERSIONS, "kubeadm": KUBEADM_VERSIONS, "k3d": K3D_VERSIONS}
MAIN_KIND = {"kind": "Cluster", "kubeadm": "ClusterConfiguration", "k3d": "Simple"}
SUPPORTED = ("supported: kind.x-k8s.io/v1alpha4 Cluster; kubeadm.k8s.io/v1beta3 or v1beta4 "
             "ClusterConfiguration and InitConfiguration; k3d.io/v1alpha4 or v1alpha5 Simple")

#: Load balancer labels of the tools that start their own.
KIND_LB = "kind"
K3D_LB = "k3d serverlb"
LABEL_LIMIT = LB_LABEL_MAX

KIND_TOP = ("apiVersion", "kind", "name", "nodes", "networking", "featureGates",
            "runtimeConfig", "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902",
            "containerdConfigPatches", "containerdConfigPatchesJSON6902")
KIND_NODE = ("role", "image", "labels", "extraMounts", "extraPortMappings", "gpus",
             "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902")
KIND_NETWORKING = ("ipFamily", "apiServerPort", "apiServerAddress", "podSubnet",
                   "serviceSubnet", "disableDefaultCNI", "kubeProxyMode", "dnsSearch")
KIND_ROLES = ("control-plane", "worker")
KIND_PROXY_MODES = ("iptables", "ipvs", "nftables", "none")

KUBEADM_KINDS = ("ClusterConfiguration", "InitConfiguration", "JoinConfiguration",
                 "ResetConfiguration", "UpgradeConfiguration")
CLUSTER_V1BETA3 = ("apiVersion", "kind", "metadata", "etcd", "networking",
                   "kubernetesVersion", "controlPlaneEndpoint", "apiServer",
                   "controllerManager", "scheduler", "dns", "certificatesDir",
                   "imageRepository", "featureGates", "clusterName")
CLUSTER_V1BETA4 = (*CLUSTER_V1BETA3, "proxy", "encryptionAlgorithm",
                   "certificateValidityPeriod", "caCertificateValidityPeriod")
INIT_V1BETA3 = ("apiVersion", "kind", "metadata", "bootstrapTokens", "nodeRegistration",
                "localAPIEndpoint", "certificateKey", "skipPhases", "patches")
INIT_V1BETA4 = (*INIT_V1BETA3, "dryRun", "timeouts")
ETCD_KEYS = ("local", "external")
#: InitConfiguration phases whose skipping removes add-ons, and the add-ons they remove.
ADDON_PHASES = {"addon": ("coredns", "kube-proxy"), "addon/all": ("coredns", "kube-proxy"),
                "addon/coredns": ("coredns",), "addon/kube-proxy": ("kube-proxy",)}

K3D_TOP = ("apiVersion", "kind", "metadata", "servers", "agents", "kubeAPI", "image",
           "network", "subnet", "token", "volumes", "ports", "options", "env", "registries",
           "hostAliases", "files", "manifests")
K3D_OPTIONS = ("k3d", "k3s", "kubeconfig", "runtime")
K3D_OPTIONS_K3D = ("wait", "timeout", "disableLoadbalancer", "disableImageVolume",
                   "disableRollback", "nodeHookActions", "loadbalancer")
K3D_OPTIONS_K3S = ("extraArgs", "nodeLabels")
#: k3s flags that reshape the servers in ways the spec cannot draw.
K3S_UNDRAWN = ("--disable-etcd", "--disable-apiserver", "--disable-scheduler",
               "--disable-controller-manager", "--disable-agent", "--docker",
               "--container-runtime-endpoint")


def convert(text: str, fmt: str = "auto", counts: Mapping[str, int] | None = None
            ) -> tuple[Loaded | None, str, list[Diagnostic]]:
    """Load ``text`` and translate kind / kubeadm / k3d configs into spec data.

    Returns (loaded, format_used, diagnostics): ``loaded.data`` is a mapping in the spec
    vocabulary (keys of spec.KEYS) and ``loaded.lines`` maps spec paths to lines of the
    ORIGINAL file, so spec.build's diagnostics point into the file. For fmt "spec" (or auto
    detecting no apiVersion/kind) it is just yamlspec.load(text) (one document). None on
    errors that prevent any drawing. ``counts`` holds the directive options / CLI flags
    "control-plane" and "workers" (ints), used by kubeadm, which does not hold node counts.
    """
    counts = {k: v for k, v in (counts or {}).items() if v is not None}
    if fmt not in FORMATS:
        return None, fmt, [Diagnostic(1, Severity.ERROR, Subtype.OPTION,
                                      f"unknown format {fmt!r}; formats are "
                                      f"{', '.join(FORMATS)}")]
    if fmt == "spec":
        return _spec(text, counts, explicit=True)
    documents, diagnostics = load_all(text)
    if documents is None:
        return None, fmt, diagnostics
    typed = [doc for doc in documents if _is_typed(doc)]
    if fmt == "auto" and not typed:
        if len(documents) == 1:
            # A plain spec, already parsed: not again. (Several documents are an error
            # that load() words; no document at all is the empty spec.)
            return _checked_spec(documents[0], diagnostics, counts, explicit=False)
        return _spec(text, counts, explicit=False)
    # A stream may hold empty documents (a trailing ---); tools skip them.
    state = _Import([doc for doc in documents if doc.data is not None], diagnostics)
    detected = state.detect(fmt)
    if detected is None or has_errors(state.diagnostics):
        return None, detected or state.guess or fmt, sorted(state.diagnostics)
    if detected == "kind":
        loaded = _Kind(state).convert()
    elif detected == "kubeadm":
        loaded = _Kubeadm(state).convert(counts)
    else:
        loaded = _K3d(state).convert()
    if detected != "kubeadm":
        state.ignored_counts(counts, loaded, f"a {detected} configuration")
    if has_errors(state.diagnostics):
        return None, detected, sorted(state.diagnostics)
    return loaded, detected, sorted(state.diagnostics)


def _spec(text: str, counts: Mapping[str, int], explicit: bool
          ) -> tuple[Loaded | None, str, list[Diagnostic]]:
    loaded, diagnostics = load(text)
    if loaded is None:
        return None, "spec", diagnostics
    return _checked_spec(loaded, diagnostics, counts, explicit)


def _checked_spec(loaded: Loaded, diagnostics: list[Diagnostic], counts: Mapping[str, int],
                  explicit: bool) -> tuple[Loaded | None, str, list[Diagnostic]]:
    data = loaded.data
    if explicit and isinstance(data, dict):
        api = data.get("apiVersion")
        group = _group(api)[0] if isinstance(api, str) else ""
        if group in GROUPS or group in KUBEADM_COMPANIONS:
            tool = GROUPS.get(group, "kubeadm")
            diagnostics.append(Diagnostic(
                loaded.line(("apiVersion",)), Severity.ERROR, Subtype.IMPORT,
                f"format 'spec' was asked for, but this is a {tool} configuration "
                f"(apiVersion {api}); use format {tool!r} or 'auto'"))
            return None, "spec", sorted(diagnostics)
    state = _Import([loaded], diagnostics)
    state.ignored_counts(counts, loaded, "a spec")
    return loaded, "spec", sorted(state.diagnostics)


def _is_typed(doc: Loaded) -> bool:
    return isinstance(doc.data, dict) and ("apiVersion" in doc.data or "kind" in doc.data)


def _group(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.strip().rpartition("/")
    return group, version


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Import:
    """The documents of one file, the diagnostics found so far and helpers to add more."""

    def __init__(self, documents: list[Loaded], diagnostics: list[Diagnostic]) -> None:
        self.documents = documents
        self.diagnostics = list(diagnostics)
        #: The tool of the first document of a known group, even when it cannot be read.
        self.guess: str | None = None

    def error(self, line: int, subtype: Subtype, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, Severity.ERROR, subtype, message))

    def warn(self, line: int, message: str, subtype: Subtype = Subtype.IMPORT) -> None:
        self.diagnostics.append(Diagnostic(line, Severity.WARNING, subtype, message))

    def unknown(self, doc: Loaded, mapping: dict[Any, Any], path: Path,
                known: tuple[str, ...], where: str, extra: str = "") -> None:
        """Warn about every key of ``mapping`` that ``known`` does not list."""
        for key in mapping:
            if str(key) in known:
                continue
            self.warn(doc.line((*path, str(key))),
                      f"{where} field {key!r} is not understood{extra}; if it changes the "
                      f"cluster's architecture, the diagram does not show it"
                      f"{did_you_mean(closest(str(key), known))}")

    def mapping(self, doc: Loaded, path: Path, what: str) -> dict[Any, Any]:
        """The mapping at ``path`` ({} when absent or empty); a type error otherwise."""
        value: Any = doc.data
        for part in path:
            if not isinstance(value, dict):
                return {}
            value = value.get(part)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(doc.line(path), Subtype.TYPE,
                       f"{what} must be a mapping, not {describe_value(value)}")
            return {}
        return value

    def detect(self, fmt: str) -> str | None:
        """Check every document's apiVersion/kind and return the format of the file, or
        None after reporting why it cannot be imported as ``fmt``."""
        if not self.documents:
            self.error(1, Subtype.IMPORT, f"format {fmt!r} was asked for, but the file is "
                       "empty")
            return None
        tools: list[tuple[Loaded, str]] = []
        for doc in self.documents:
            tool = self._tool(doc, fmt)
            if tool is None:
                return None
            tools.append((doc, tool))
        main = [(doc, tool) for doc, tool in tools if tool in GROUPS.values()]
        foreign = [doc for doc, tool in tools if tool == "foreign"]
        if main:
            doc, detected = main[0]
        elif any(tool == "companion" for _, tool in tools):
            # Only KubeletConfiguration / KubeProxyConfiguration documents: kubeadm's.
            doc, detected = tools[0][0], "kubeadm"
        else:
            doc = foreign[0]
            data = doc.data
            self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                       f"apiVersion {data['apiVersion']} (kind {data.get('kind')}) is not a "
                       f"configuration that can be imported ({SUPPORTED})")
            return None
        if fmt not in ("auto", detected):
            self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                       f"format {fmt!r} was asked for, but this is a {detected} "
                       f"configuration (apiVersion {doc.data['apiVersion']}); use format "
                       f"{detected!r} or 'auto'")
            return None
        for other, tool in main[1:]:
            if tool != detected:
                self.error(other.line(("apiVersion",)), Subtype.IMPORT,
                           f"a {tool} document in a {detected} file; one file describes one "
                           "cluster")
                return None
        if detected == "kubeadm":
            for other in foreign:
                self.warn(other.line(("apiVersion",)),
                          f"apiVersion {other.data['apiVersion']} is not a kubeadm "
                          "configuration; this document is skipped, as kubeadm does")
        return detected

    def _tool(self, doc: Loaded, fmt: str) -> str | None:
        """The tool of one document: kind, kubeadm, k3d, "companion" for kubelet /
        kube-proxy configurations, "foreign" for another apiVersion; None after reporting
        why it cannot be read."""
        data = doc.data
        if not isinstance(data, dict):
            self.error(doc.line(()), Subtype.TYPE,
                       f"each document must be a mapping with apiVersion and kind, not "
                       f"{describe_value(data)}")
            return None
        api = data.get("apiVersion")
        kind = data.get("kind")
        if api is None:
            where = ("kind",) if "kind" in data else ()
            asked = (f"format {fmt!r} was asked for, but " if fmt != "auto" else "")
            self.error(doc.line(where), Subtype.IMPORT,
                       f"{asked}this document has no apiVersion, so it is not a kind, "
                       f"kubeadm or k3d configuration ({SUPPORTED})")
            return None
        if not isinstance(api, str) or not api.strip():
            self.error(doc.line(("apiVersion",)), Subtype.TYPE,
                       f"apiVersion must be text such as kind.x-k8s.io/v1alpha4, not "
                       f"{describe_value(api)}")
            return None
        group, version = _group(api)
        if group in KUBEADM_COMPANIONS:
            return "companion"
        tool = GROUPS.get(group)
        if tool is None:
            return "foreign"
        self.guess = self.guess or tool
        versions = VERSIONS[tool]
        if version not in versions:
            self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                       f"{tool} apiVersion {api} is not supported; supported: "
                       + ", ".join(f"{group}/{v}" for v in versions))
            return None
        kinds = KUBEADM_KINDS if tool == "kubeadm" else (MAIN_KIND[tool],)
        if kind not in kinds:
            self.error(doc.line(("kind",)), Subtype.IMPORT,
                       f"kind {kind!r} is not a {tool} configuration that can be imported "
                       f"(expected {' or '.join(kinds)})"
                       + did_you_mean(closest(kind, kinds)))
            return None
        return tool

    def single(self, tool: str) -> Loaded:
        """The one document of a kind or k3d file; further documents are errors."""
        for extra in self.documents[1:]:
            self.error(extra.line(()), Subtype.IMPORT,
                       f"a {tool} configuration is one YAML document; this is a second one")
        return self.documents[0]

    def ignored_counts(self, counts: Mapping[str, int], loaded: Loaded | None,
                       source: str) -> None:
        for key in ("control-plane", "workers"):
            if key in counts:
                line = loaded.line((key,)) if loaded is not None else 1
                self.warn(line, f"the {key} count given as an option is ignored: {source} "
                          "sets its own node counts", Subtype.OPTION)


def _pool(count: Any, defaults: tuple[str, ...], drop: set[str]) -> Any:
    """A spec pool value: the bare count unless components must differ from the defaults."""
    if not drop.intersection(defaults):
        return count
    return {"count": count, "components": [c for c in defaults if c not in drop]}


class _Result:
    """Spec data under construction, with the file line of each spec path."""

    def __init__(self, doc: Loaded) -> None:
        self.data: dict[str, Any] = {}
        self.lines: dict[Path, int] = {(): doc.line(())}

    def put(self, key: str, value: Any, line: int) -> None:
        self.data[key] = value
        self.lines[(key,)] = line

    def finish(self, cp: Any, workers: Any, drop: set[str], addons: list[str]) -> Loaded:
        """Fill in the pools, leaving out the components in ``drop``, and make the Loaded.

        With ``etcd: stacked`` the control-plane defaults include etcd (dropping it means
        a datastore that is not drawn); with external etcd they do not, as in spec.build.
        """
        cp_defaults: tuple[str, ...] = CONTROL_PLANE_DEFAULT
        if self.data.get("etcd") != "stacked":
            cp_defaults = tuple(c for c in CONTROL_PLANE_DEFAULT if c != "etcd")
        self.data["control-plane"] = _pool(cp, cp_defaults, drop)
        self.data["workers"] = _pool(workers, WORKER_DEFAULT, drop)
        self.data["addons"] = [a for a in ("coredns", "cni") if a in addons and a not in drop]
        self.data["clients"] = ["kubectl"]
        self.data.setdefault("runtime", "containerd")
        self.lines.setdefault(("addons",), self.lines[()])
        from .spec import KEYS  # spec imports this module; the order is the spec's

        data = {key: self.data[key] for key in KEYS if key in self.data}
        return Loaded(data, self.lines)


class _Kind:
    def __init__(self, state: _Import) -> None:
        self.state = state
        self.doc = state.single("kind")

    def convert(self) -> Loaded:
        state, doc = self.state, self.doc
        data: dict[Any, Any] = doc.data
        result = _Result(doc)
        state.unknown(doc, data, (), KIND_TOP, "kind Cluster")
        _title(doc, result, ("name",))

        control_plane, workers = self._nodes(data, result)
        networking = state.mapping(doc, ("networking",), "networking")
        state.unknown(doc, networking, ("networking",), KIND_NETWORKING, "kind networking")
        drop: set[str] = set()
        mode = networking.get("kubeProxyMode")
        if mode is not None:
            line = doc.line(("networking", "kubeProxyMode"))
            if mode == "none":
                drop.add("kube-proxy")
            elif mode not in KIND_PROXY_MODES:
                state.error(line, Subtype.VALUE,
                            f"kubeProxyMode {mode!r} is not one kind knows "
                            f"({', '.join(KIND_PROXY_MODES)})"
                            + did_you_mean(closest(mode, KIND_PROXY_MODES)))
        for path in _patch_paths(data, ()):
            _check_kubeadm_patch(state, doc, path)

        nodes_line = doc.line(("nodes",))
        result.put("etcd", "stacked", result.lines.get(("control-plane",), nodes_line))
        result.put("load-balancer", KIND_LB if control_plane > 1 else "none", nodes_line)
        result.lines[("addons",)] = doc.line(("networking",))
        return result.finish(control_plane, workers, drop, ["coredns", "cni"])

    def _nodes(self, data: dict[Any, Any], result: _Result) -> tuple[int, int]:
        state, doc = self.state, self.doc
        nodes = data.get("nodes")
        if nodes is None or nodes == []:
            # kind's default: a single control-plane node.
            result.lines[("control-plane",)] = doc.line(("nodes",))
            result.lines[("workers",)] = doc.line(("nodes",))
            return 1, 0
        if not isinstance(nodes, list):
            state.error(doc.line(("nodes",)), Subtype.TYPE,
                        f"nodes must be a list of nodes, not {describe_value(nodes)}")
            return 1, 0
        found = {"control-plane": 0, "worker": 0}
        for index, node in enumerate(nodes):
            path: Path = ("nodes", index)
            if not isinstance(node, dict):
                state.error(doc.line(path), Subtype.TYPE,
                            f"a kind node must be a mapping such as {{role: worker}}, not "
                            f"{describe_value(node)}")
                continue
            state.unknown(doc, node, path, KIND_NODE, "kind node")
            # An empty role (``role:``) decodes to "" in kind, which defaults it too.
            role = node.get("role") or "control-plane"
            role_line = doc.line((*path, "role"))
            if role not in KIND_ROLES:
                state.error(role_line, Subtype.VALUE,
                            f"unknown kind node role {role!r}; kind knows "
                            f"{' and '.join(KIND_ROLES)}"
                            + did_you_mean(closest(role, KIND_ROLES)))
                continue
            key = "control-plane" if role == "control-plane" else "workers"
            result.lines.setdefault((key,), role_line)
            found[role] += 1
            for patch in _patch_paths(node, path):
                _check_kubeadm_patch(state, doc, patch)
        result.lines.setdefault(("workers",), doc.line(("nodes",)))
        if not found["control-plane"] and not has_errors(state.diagnostics):
            state.error(doc.line(("nodes",)), Subtype.VALUE,
                        "a kind cluster needs at least one control-plane node")
        return found["control-plane"], found["worker"]


def _patch_paths(mapping: dict[Any, Any], path: Path) -> list[Path]:
    patches = mapping.get("kubeadmConfigPatches")
    if not isinstance(patches, list):
        return []
    return [(*path, "kubeadmConfigPatches", i) for i in range(len(patches))]


def _check_kubeadm_patch(state: _Import, doc: Loaded, path: Path) -> None:
    """Warn when a kind kubeadmConfigPatches entry changes the architecture."""
    value: Any = doc.data
    for part in path:
        value = value[part]
    if not isinstance(value, str):
        return
    patch, _ = load(value)
    if patch is None or not isinstance(patch.data, dict):
        return
    data = patch.data
    changes: list[str] = []
    etcd = data.get("etcd")
    if isinstance(etcd, dict) and "external" in etcd:
        changes.append("etcd to an external cluster")
    for key, name in (("dns", "CoreDNS"), ("proxy", "kube-proxy")):
        addon = data.get(key)
        if isinstance(addon, dict) and addon.get("disabled") is True:
            changes.append(f"the {name} add-on (disabled)")
    phases = data.get("skipPhases")
    if isinstance(phases, list):
        changes.extend(f"the skipped phase {phase}" for phase in phases
                       if isinstance(phase, str) and phase.startswith(("addon", "etcd",
                                                                       "control-plane")))
    if changes:
        state.warn(doc.line(path),
                   f"this kubeadm patch changes {', '.join(changes)}, which the diagram "
                   "does not follow")


def _title(doc: Loaded, result: _Result, path: Path) -> None:
    value: Any = doc.data
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str) and value.strip():
        result.put("title", value.strip(), doc.line(path))


class _Kubeadm:
    def __init__(self, state: _Import) -> None:
        self.state = state
        self.drop: set[str] = set()

    def convert(self, counts: Mapping[str, int]) -> Loaded:
        state = self.state
        found: dict[str, Loaded] = {}
        for doc in state.documents:
            kind = doc.data.get("kind")
            if _group(doc.data["apiVersion"])[0] != KUBEADM_GROUP:
                continue  # kubelet / kube-proxy configuration, or skipped with a warning
            if kind in ("ClusterConfiguration", "InitConfiguration"):
                if kind in found:
                    state.error(doc.line(("kind",)), Subtype.IMPORT,
                                f"a second {kind} in the stream; kubeadm reads one")
                    continue
                found[kind] = doc
        cluster = found.get("ClusterConfiguration")
        init = found.get("InitConfiguration")
        main = cluster or init
        if main is None:
            first = state.documents[0]
            state.error(first.line(()), Subtype.IMPORT,
                        "no ClusterConfiguration or InitConfiguration in this kubeadm file, "
                        "so there is no cluster to draw")
            return Loaded({}, {(): first.line(())})
        result = _Result(main)
        root = main.line(())
        # The counts are options, not lines of the file: findings about them point at the
        # start of the configuration.
        result.lines[("control-plane",)] = root
        result.lines[("workers",)] = root
        result.put("etcd", "stacked", root)
        result.data["load-balancer"] = "none"
        if cluster is not None:
            self._cluster(cluster, result, counts)
        if init is not None:
            self._init(init, result)
        cp = counts.get("control-plane", 1)
        workers = counts.get("workers", 0)
        return result.finish(cp, workers, self.drop, ["coredns", "cni"])

    def _cluster(self, doc: Loaded, result: _Result, counts: Mapping[str, int]) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = _group(data["apiVersion"])[1]
        known = CLUSTER_V1BETA4 if version == "v1beta4" else CLUSTER_V1BETA3
        for key in data:
            if key in CLUSTER_V1BETA4 and key not in known:
                state.warn(doc.line((str(key),)),
                           f"ClusterConfiguration field {key!r} is a v1beta4 field, which "
                           f"kubeadm {version} ignores; the diagram ignores it too")
        state.unknown(doc, data, (), CLUSTER_V1BETA4, "ClusterConfiguration")
        _title(doc, result, ("clusterName",))

        endpoint = data.get("controlPlaneEndpoint")
        if endpoint is not None and endpoint != "":
            line = doc.line(("controlPlaneEndpoint",))
            if not isinstance(endpoint, str):
                state.error(line, Subtype.TYPE,
                            f"controlPlaneEndpoint must be an address such as "
                            f"lb.example.com:6443, not {describe_value(endpoint)}")
            else:
                result.put("load-balancer", _endpoint_label(endpoint), line)
                if "control-plane" not in counts:
                    state.warn(line, "controlPlaneEndpoint is the load balancer in front of "
                               "several control-plane nodes, but a kubeadm file does not say "
                               "how many there are; 1 is drawn (give the control-plane count "
                               "as an option)")

        etcd = state.mapping(doc, ("etcd",), "etcd")
        if "etcd" in data:
            result.lines[("etcd",)] = doc.line(("etcd",))
        state.unknown(doc, etcd, ("etcd",), ETCD_KEYS, "etcd")
        if "local" in etcd and "external" in etcd:
            later = max(doc.line(("etcd", "local")), doc.line(("etcd", "external")))
            state.error(later, Subtype.VALUE,
                        "etcd.local and etcd.external are mutually exclusive: etcd is either "
                        "stacked on the control-plane nodes or an external cluster")
        elif "external" in etcd:
            self._external(doc, result)

        dns = state.mapping(doc, ("dns",), "dns")
        if version == "v1beta4":
            proxy = state.mapping(doc, ("proxy",), "proxy")
            if dns.get("disabled") is True:
                self.drop.add("coredns")
                result.lines[("addons",)] = doc.line(("dns", "disabled"))
            if proxy.get("disabled") is True:
                self.drop.add("kube-proxy")
        elif "disabled" in dns:
            state.warn(doc.line(("dns", "disabled")),
                       f"dns.disabled is a v1beta4 field, which kubeadm {version} ignores "
                       "(it installs CoreDNS); the diagram ignores it too")

    def _external(self, doc: Loaded, result: _Result) -> None:
        state = self.state
        external = state.mapping(doc, ("etcd", "external"), "etcd.external")
        path: Path = ("etcd", "external", "endpoints")
        line = doc.line(("etcd", "external"))
        result.put("etcd", {"topology": "external", "members": 0}, line)
        result.lines[("etcd", "topology")] = line
        result.lines[("etcd", "members")] = doc.line(path)
        endpoints = external.get("endpoints")
        if isinstance(endpoints, str):
            endpoints = [endpoints]
        if endpoints is None or endpoints == []:
            state.error(doc.line(path), Subtype.VALUE,
                        "etcd.external needs endpoints, the client URLs of the etcd members "
                        "(https://host:2379)")
            return
        if not isinstance(endpoints, list):
            state.error(doc.line(path), Subtype.TYPE,
                        f"etcd.external.endpoints must be a list of URLs, not "
                        f"{describe_value(endpoints)}")
            return
        for index, item in enumerate(endpoints):
            if not isinstance(item, str):
                state.error(doc.line((*path, index)), Subtype.TYPE,
                            f"an etcd endpoint must be a URL, not {describe_value(item)}")
        result.data["etcd"]["members"] = len(endpoints)

    def _init(self, doc: Loaded, result: _Result) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = _group(data["apiVersion"])[1]
        known = INIT_V1BETA4 if version == "v1beta4" else INIT_V1BETA3
        state.unknown(doc, data, (), known, "InitConfiguration")
        phases = data.get("skipPhases")
        if phases is not None and not isinstance(phases, list):
            state.error(doc.line(("skipPhases",)), Subtype.TYPE,
                        f"skipPhases must be a list of phase names, not {describe_value(phases)}")
            phases = []
        for index, phase in enumerate(phases or []):
            if not isinstance(phase, str):
                continue
            line = doc.line(("skipPhases", index))
            removed = ADDON_PHASES.get(phase)
            if removed:
                self.drop.update(removed)
                if "coredns" in removed:
                    result.lines[("addons",)] = line
            elif phase.startswith(("etcd", "control-plane")):
                state.warn(line, f"skipping the kubeadm phase {phase!r} changes the control "
                           "plane in a way the diagram does not show")
        registration = state.mapping(doc, ("nodeRegistration",), "nodeRegistration")
        socket = registration.get("criSocket")
        if isinstance(socket, str) and socket.strip():
            line = doc.line(("nodeRegistration", "criSocket"))
            if "crio" in socket or "cri-o" in socket:
                result.put("runtime", "cri-o", line)
            else:
                result.put("runtime", "containerd", line)
                if "containerd" not in socket:
                    state.warn(line, f"the container runtime behind {socket} cannot be drawn "
                               "(containerd and cri-o can); containerd is drawn")


def _endpoint_label(endpoint: str) -> str:
    """The load balancer label: the endpoint, else its host, cut to the spec's limit."""
    label = endpoint.strip()
    if len(label) > LABEL_LIMIT and not label.endswith("]"):
        label = label.rsplit(":", 1)[0]
    if len(label) > LABEL_LIMIT:
        label = label[:LABEL_LIMIT - 1] + "…"
    return label


class _K3d:
    def __init__(self, state: _Import) -> None:
        self.state = state
        self.doc = state.single("k3d")

    def convert(self) -> Loaded:
        state, doc = self.state, self.doc
        data: dict[Any, Any] = doc.data
        result = _Result(doc)
        root = doc.line(())
        state.unknown(doc, data, (), K3D_TOP, "k3d")
        _title(doc, result, ("metadata", "name"))
        options = state.mapping(doc, ("options",), "options")
        state.unknown(doc, options, ("options",), K3D_OPTIONS, "k3d options")
        k3d = state.mapping(doc, ("options", "k3d"), "options.k3d")
        state.unknown(doc, k3d, ("options", "k3d"), K3D_OPTIONS_K3D, "k3d options.k3d")
        k3s = state.mapping(doc, ("options", "k3s"), "options.k3s")
        state.unknown(doc, k3s, ("options", "k3s"), K3D_OPTIONS_K3S, "k3d options.k3s")

        servers = data.get("servers", 1)
        agents = data.get("agents", 0)
        for key, value, low in (("servers", servers, 1), ("agents", agents, 0)):
            if not _is_count(value):
                state.error(doc.line((key,)), Subtype.TYPE,
                            f"{key} must be a whole number, not {describe_value(value)}")
            elif value < low:
                state.error(doc.line((key,)), Subtype.VALUE,
                            f"{key} must be at least {low}, not {value}")
        servers_line = doc.line(("servers",)) if "servers" in data else root
        result.lines[("control-plane",)] = servers_line
        result.lines[("workers",)] = doc.line(("agents",)) if "agents" in data else root

        disabled = k3d.get("disableLoadbalancer") is True
        lb_line = (doc.line(("options", "k3d", "disableLoadbalancer"))
                   if "disableLoadbalancer" in k3d else servers_line)
        result.put("load-balancer", "none" if disabled else K3D_LB, lb_line)

        drop: set[str] = set()
        cluster_init: int | None = None
        datastore: tuple[str, int] | None = None
        for index, name, value in self._args(k3s):
            line = doc.line(("options", "k3s", "extraArgs", index))
            if name == "--cluster-init":
                cluster_init = line
            elif name == "--datastore-endpoint":
                datastore = (value, line)
            elif name == "--disable-kube-proxy":
                drop.add("kube-proxy")
            elif name == "--disable" and "coredns" in [v.strip() for v in value.split(",")]:
                drop.add("coredns")
                result.lines[("addons",)] = line
            elif name in K3S_UNDRAWN:
                state.warn(line, f"the k3s flag {name} changes the nodes in a way the "
                           "diagram does not show")

        if datastore is not None:
            value, line = datastore
            urls = [u.strip() for u in value.split(",") if u.strip()]
            if urls and all(u.startswith(("http://", "https://")) for u in urls):
                result.put("etcd", {"topology": "external", "members": len(urls)}, line)
                result.lines[("etcd", "members")] = line
            else:
                result.put("etcd", "stacked", line)
                drop.add("etcd")
                kind = value.split("://")[0] if "://" in value else value
                result.put("datastore", DATASTORES.get(kind.lower(), "an SQL database"), line)
                state.warn(line, f"k3s keeps its state in the external datastore {kind!r}, "
                           "which the diagram cannot draw; no etcd is drawn")
        elif cluster_init is not None:
            result.put("etcd", "stacked", cluster_init)
        else:
            result.put("etcd", "stacked", servers_line)
            if servers == 1 and not isinstance(servers, bool):
                drop.add("etcd")
                result.put("datastore", "SQLite", servers_line)
                state.warn(servers_line, "k3s keeps the state of a single server in SQLite "
                           "(through kine), which the diagram cannot draw; etcd is not drawn. "
                           "k3d starts embedded etcd with several servers, or with the k3s "
                           "flag --cluster-init")
        return result.finish(servers, agents, drop, ["coredns", "cni"])

    def _args(self, k3s: dict[Any, Any]) -> list[tuple[int, str, str]]:
        """(index, flag, value) of each k3s extra argument written as ``--flag[=value]``."""
        state, doc = self.state, self.doc
        args = k3s.get("extraArgs")
        if args is None:
            return []
        if not isinstance(args, list):
            state.error(doc.line(("options", "k3s", "extraArgs")), Subtype.TYPE,
                        f"extraArgs must be a list of {{arg: ..., nodeFilters: [...]}}, not "
                        f"{describe_value(args)}")
            return []
        found: list[tuple[int, str, str]] = []
        for index, item in enumerate(args):
            arg = item.get("arg") if isinstance(item, dict) else item
            if not isinstance(arg, str):
                state.error(doc.line(("options", "k3s", "extraArgs", index)), Subtype.TYPE,
                            f"an extra argument must be text such as --disable=traefik, not "
                            f"{describe_value(arg)}")
                continue
            name, _, value = arg.strip().partition("=")
            if " " in name and not value:
                name, _, value = name.partition(" ")
            found.append((index, name.strip(), value.strip().strip("'\"")))
        return found
