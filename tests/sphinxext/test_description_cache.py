"""HTML builders write each distinct component description once per build and reuse it:
the pages and the search index are byte for byte those of expanding every description
before writing, in both styles, both languages, with cluster notes, :extends: steps,
smart quotes on and off, and descriptions nested where the HTML writer's state differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.snippets import Snippet, write_twins
from helpers.sphinx import MakeApp, build, copy_root
import pytest

from sphinx_k8sarch.sphinxext import descriptions

BASE = "control-plane: 3\nworkers: 2\nload-balancer: haproxy\n"
SNIPPETS = [
    Snippet("Plain", [":name: plain"], BASE),
    Snippet("Plain again", [], BASE),  # the same descriptions: written from the cache
    Snippet("Table", [":descriptions: table"], BASE),
    Snippet("Table again", [":descriptions: table"], BASE),
    Snippet("Spanish", [":lang: es"], BASE),
    Snippet("Spanish table", [":lang: es", ":descriptions: table"], BASE),
    Snippet("Step", [":extends: plain"], "addons: [coredns, cni]\nclients: [kubectl]\n"),
    # Cluster notes: an external etcd whose hosts run a kubelet, and k3s.
    Snippet("External", [], "control-plane: 3\nworkers: 1\nload-balancer: cloud\n"
                            "etcd: {topology: external, members: 3}\n"),
    Snippet("None", [":descriptions: none"], BASE),
    # Known components in a new combination and order: assembled from single descriptions.
    Snippet("Subset", [], "control-plane: 1\nworkers: 0\nclients: [kubectl]\n"),
    Snippet("Subset table", [":descriptions: table"], "control-plane: 1\nworkers: 0\n"),
]
#: Descriptions inside a bullet list and a note, where the HTML writer's state differs.
NESTED = """Nested
======

- An item before.
- An item holding a diagram:

  .. k8s-cluster:: In a list

     control-plane: 3
     workers: 2
     load-balancer: haproxy

.. note::

   .. k8s-cluster:: In a note
      :descriptions: table

      control-plane: 3
      workers: 2
      load-balancer: haproxy

.. k8s-cluster:: Top level

   control-plane: 3
   workers: 2
   load-balancer: haproxy
"""


def _project(tmp_path: Path, name: str) -> Path:
    srcdir = copy_root(tmp_path, "basic", name)
    write_twins(srcdir, SNIPPETS, stem="one")
    write_twins(srcdir, SNIPPETS[:4], stem="two")
    (srcdir / "nested.rst").write_text(NESTED, encoding="utf-8")
    (srcdir / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n" + "".join(
            f"   {d}\n" for d in ("one_rst", "one_md", "two_rst", "two_md", "nested")),
        encoding="utf-8")
    return srcdir


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): p.read_bytes()
            for p in sorted([*outdir.rglob("*.html"), outdir / "searchindex.js"])}


@pytest.mark.parametrize("smartquotes", [True, False])
def test_reused_descriptions_are_byte_identical_to_expanded_ones(
        tmp_path: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch,
        smartquotes: bool) -> None:
    overrides = {"smartquotes": smartquotes}
    cached = build(make_app, _project(tmp_path, "cached"), confoverrides=overrides)
    written = descriptions._WRITTEN.get(cached.builder)
    with monkeypatch.context() as patch:
        # As before the cache: every description expanded into nodes before writing.
        patch.setattr(descriptions.KeepForHtml, "run", lambda self, **kwargs: None)
        expanded = build(make_app, _project(tmp_path, "expanded"), confoverrides=overrides)
    ours, before = _outputs(Path(cached.outdir)), _outputs(Path(expanded.outdir))
    assert ours.keys() == before.keys()
    for name in ours:
        assert ours[name] == before[name], name
    assert written is not None and written.lists and written.items, "nothing was reused"


def test_each_distinct_description_is_built_once(tmp_path: Path, make_app: MakeApp,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[Any, ...]] = []
    expand = descriptions.expand

    def counting(node: Any, curly: bool = False) -> Any:
        built.append((tuple(map(tuple, node["items"])), node["style"], node["lang"]))
        return expand(node, curly)

    monkeypatch.setattr(descriptions, "expand", counting)
    srcdir = copy_root(tmp_path, "basic")
    plain = Snippet("Plain", [], BASE)
    for stem in ("a", "b", "c"):
        write_twins(srcdir, [plain, Snippet("Table", [":descriptions: table"], BASE)],
                    stem=stem)
    (srcdir / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n   :glob:\n\n   *\n", encoding="utf-8")
    write_twins(srcdir, [Snippet("Fewer", [], "control-plane: 1\nworkers: 0\n")], stem="d")
    app = build(make_app, srcdir)
    # Eight pages, fourteen descriptions, two distinct lists; the list of fewer components
    # is made of descriptions already written.
    assert len(built) == 2 and len(set(built)) == 2
    for page in ("a_rst", "b_md", "c_rst"):
        html = (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
        assert html.count('class="simple k8sarch-descriptions"') == 1
        assert html.count("k8sarch-descriptions") == 2


def test_other_builders_still_expand_the_descriptions(tmp_path: Path, make_app: MakeApp
                                                      ) -> None:
    srcdir = _project(tmp_path, "text")
    app = build(make_app, srcdir, "text")
    text = (Path(app.outdir) / "one_rst.txt").read_text(encoding="utf-8")
    assert text.count("Where it runs") >= 6
    assert descriptions._WRITTEN.get(app.builder) is None
