"""Typed, validated configuration values (``k8sarch_*`` in conf.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from ..core.diagnostics import WARNING_TYPE, Subtype
from ..core.vocabulary import (
    DEFAULT_RENDERER,
    DESCRIPTION_STYLES,
    LANGUAGES,
    LAYOUTS,
    LINK_COMPONENTS,
    RASTER_DPI,
    RENDER_TIMEOUT,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

LOGGER = logging.getLogger(__name__)


def literal_choices(values: tuple[str, ...]) -> str:
    """``a``, ``b`` or ``c``: choices as the generated docs tables show them."""
    quoted = [f"``{v}``" for v in values]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _choice(*allowed: str) -> dict[str, Any]:
    return {"choices": allowed, "types": (str,)}


@dataclass(frozen=True)
class K8sArchConfig:
    renderer: str = field(default=DEFAULT_RENDERER, metadata={
        "types": (str,),
        "doc": "Graphviz command: ``graphviz-pure`` (installed with the extension) or a "
               "system ``dot`` (a name on PATH or an absolute path). A system ``dot`` also "
               "gives vector PDF figures in LaTeX output."})
    renderer_timeout: float = field(default=RENDER_TIMEOUT, metadata={
        "types": (int, float), "doc": "Seconds a single render may take before it is "
                                      "abandoned with a warning."})
    descriptions: str = field(default=DESCRIPTION_STYLES[0], metadata={
        **_choice(*DESCRIPTION_STYLES),
        "doc": "Default layout of the component descriptions under each diagram."})
    link_components: str = field(default=LINK_COMPONENTS[0], metadata={
        **_choice(*LINK_COMPONENTS),
        "doc": "Where a click on a component leads: its description under the diagram, or "
               "the project's glossary entry of the same name (falling back to the "
               "description)."})
    language: str = field(default="", metadata={
        "types": (str,), "doc": f"Language of generated text ({literal_choices(LANGUAGES)}); empty "
                                "follows the project's ``language``."})
    legend: bool = field(default=True, metadata={
        "types": (bool,), "doc": "Draw a legend of the line and box styles with every figure "
                                 "(the ``:legend:`` option overrides it per figure)."})
    layout: str = field(default=LAYOUTS[0], metadata={
        **_choice(*LAYOUTS),
        "doc": "Default layout: columns along the flow of a request, or rows for wide pages."})
    download_png: bool = field(default=False, metadata={
        "types": (bool,), "doc": f"Also link a PNG ({RASTER_DPI} dpi, white background) under "
                                 "each HTML figure, beside the SVG. Off by default: a raster "
                                 "render takes about thirty times as long as the SVG one "
                                 "(0.3 s for a 3+3 cluster with graphviz-pure)."})
    latex_dpi: int = field(default=RASTER_DPI, metadata={
        "types": (int,), "doc": f"Resolution of PNG figures in LaTeX output (at least "
                                f"{RASTER_DPI})."})

    @property
    def renders_pdf(self) -> bool:
        """graphviz-pure has no PDF output; a system Graphviz does."""
        return DEFAULT_RENDERER not in self.renderer


def _check(name: str, value: Any, meta: Any) -> str | None:
    types = meta.get("types", ())
    if types and (not isinstance(value, types) or (isinstance(value, bool)
                                                    and bool not in types)):
        return f"must be of type {' or '.join(t.__name__ for t in types)}"
    choices = meta.get("choices")
    if choices and value not in choices:
        return f"must be one of {', '.join(map(repr, choices))}"
    if name == "latex_dpi" and value < RASTER_DPI:
        return f"must be at least {RASTER_DPI}"
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
