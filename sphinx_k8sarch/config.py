"""Typed, validated configuration values (``k8sarch_*`` in conf.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .diagnostics import WARNING_TYPE, Subtype

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

LOGGER = logging.getLogger(__name__)


def _choice(*allowed: str) -> dict[str, Any]:
    return {"choices": allowed, "types": (str,)}


@dataclass(frozen=True)
class K8sArchConfig:
    renderer: str = field(default="graphviz-pure", metadata={
        "types": (str,),
        "doc": "Graphviz command: ``graphviz-pure`` (installed with the extension) or a "
               "system ``dot`` (a name on PATH or an absolute path). A system ``dot`` also "
               "gives vector PDF figures in LaTeX output."})
    renderer_timeout: float = field(default=30.0, metadata={
        "types": (int, float), "doc": "Seconds a single render may take before it is "
                                      "abandoned with a warning."})
    descriptions: str = field(default="list", metadata={
        **_choice("list", "table", "none"),
        "doc": "Default layout of the component descriptions under each diagram."})
    link_components: str = field(default="description", metadata={
        **_choice("description", "glossary"),
        "doc": "Where a click on a component leads: its description under the diagram, or "
               "the project's glossary entry of the same name (falling back to the "
               "description)."})
    language: str = field(default="", metadata={
        "types": (str,), "doc": "Language of generated text (``en`` or ``es``); empty "
                                "follows the project's ``language``."})
    latex_dpi: int = field(default=300, metadata={
        "types": (int,), "doc": "Resolution of PNG figures in LaTeX output (at least 300)."})

    @property
    def renders_pdf(self) -> bool:
        """graphviz-pure has no PDF output; a system Graphviz does."""
        return "graphviz-pure" not in self.renderer


def _check(name: str, value: Any, meta: Any) -> str | None:
    types = meta.get("types", ())
    if types and (not isinstance(value, types) or isinstance(value, bool)):
        return f"must be of type {' or '.join(t.__name__ for t in types)}"
    choices = meta.get("choices")
    if choices and value not in choices:
        return f"must be one of {', '.join(map(repr, choices))}"
    if name == "latex_dpi" and value < 300:
        return "must be at least 300"
    if name == "renderer_timeout" and value <= 0:
        return "must be positive"
    return None


def _validate(app: Sphinx, config: Config) -> None:
    for f in fields(K8sArchConfig):
        value = getattr(config, f"k8sarch_{f.name}")
        problem = _check(f.name, value, f.metadata)
        if problem:
            LOGGER.warning("k8sarch_%s %s; using the default %r", f.name, problem, f.default,
                           type=WARNING_TYPE, subtype=Subtype.CONFIG.value)
            setattr(config, f"k8sarch_{f.name}", f.default)


def get_config(env: BuildEnvironment) -> K8sArchConfig:
    """The validated values (invalid ones were reset to defaults at config-inited)."""
    return K8sArchConfig(**{f.name: getattr(env.config, f"k8sarch_{f.name}")
                            for f in fields(K8sArchConfig)})


def setup_config(app: Sphinx) -> None:
    for f in fields(K8sArchConfig):
        app.add_config_value(f"k8sarch_{f.name}", f.default, "env",
                             types=f.metadata.get("types", ()), description=f.metadata["doc"])
    app.connect("config-inited", _validate, priority=400)
