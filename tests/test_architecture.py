"""The allowed imports of docs/architecture.md, checked on the real import graph (read from
the source by tests/importgraph.py), and the document's layer table kept equal to it."""

from __future__ import annotations

import dataclasses

from importgraph import SRC, layers, modules, settings_table, table

from antqsearch.facets import DECLARED
from antqsearch.search import SearchRequest

DOC = SRC.parent / "docs" / "architecture.md"
# The edge: the only modules that may import the web and command-line frameworks.
WEB = {"antqsearch.serving"} | {n for n in modules() if n.startswith("antqsearch.web")}
CLI = {"antqsearch.cli", "antqsearch.clioutput", "antqsearch.clicktext"}
EDGE = WEB | CLI


def importers(package: str) -> set[str]:
    return {name for name, m in modules().items() if package in m.external}


def test_no_import_cycles() -> None:
    assert layers()  # raises on a cycle, naming it


def test_only_the_whoosh_backend_imports_whoosh() -> None:
    whoosh_backend = {n for n in modules() if n.startswith("antqsearch.backend.whoosh")}
    assert importers("whoosh") <= whoosh_backend
    for name, module in modules().items():  # chosen as the default inside functions only
        if name not in whoosh_backend:
            assert not module.eager & whoosh_backend, (name, module.eager & whoosh_backend)


def test_only_the_edge_imports_flask_and_click() -> None:
    assert importers("flask") <= WEB
    assert importers("click") <= CLI


def test_nothing_imports_the_edge_but_the_edge() -> None:
    for name, module in modules().items():
        if name not in EDGE:
            assert not module.imports & EDGE, (name, module.imports & EDGE)


def test_text_and_settings_need_only_the_standard_library() -> None:
    graph = modules()
    for name in ("antqsearch.text", "antqsearch.settings", "antqsearch.collate"):
        assert not graph[name].imports and not graph[name].external, name


def test_modules_stay_under_400_lines_in_the_web_package() -> None:
    for name, module in modules().items():
        if name.startswith("antqsearch.web"):
            assert module.lines < 400, (name, module.lines)


def test_every_declared_facet_is_a_request_field() -> None:
    """Adding a facet is one declaration in facets.py, and the request's field of its name."""
    fields = {f.name: f for f in dataclasses.fields(SearchRequest)}
    for facet in DECLARED:
        assert facet.name in fields and fields[facet.name].default == (), facet.name


def test_the_document_shows_the_real_graph() -> None:
    """docs/architecture.md holds ``python tests/importgraph.py``'s table as it is now: a
    change of the imports is a change of the architecture, and of its document."""
    text = DOC.read_text(encoding="utf-8")
    assert table() in text, "imports changed: paste `python tests/importgraph.py` into the doc"


def test_the_document_lists_every_setting() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert settings_table() in text, "paste `python tests/importgraph.py settings` into the doc"


def test_the_graph_reads_relative_imports() -> None:
    web = modules()["antqsearch.web.views"]
    assert "antqsearch.search" in web.eager and "antqsearch.web.params" in web.eager
    assert "antqsearch.search" in modules()["antqsearch.complete"].lazy
