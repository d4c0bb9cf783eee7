"""Settings and facets are declared once (settings.py, facets.DECLARED) and every consumer
reads them there: the command line, the web parameters and templates, the query language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from antqsearch import settings
from antqsearch.cli import main
from antqsearch.collate import vi_sort_key
from antqsearch.facets import DECLARED, FACET, FACETS, FIELD_ALIASES, SIDEBAR
from antqsearch.querylang import parse_query, split_filters
from antqsearch.settings import SETTINGS, Folders
from antqsearch.web.params import QUERY_PARAM_CHARS, Params

pytest_plugins = ["webfixtures"]
SRC = Path(settings.__file__).parent


def _names_used_outside_settings() -> set[str]:
    used = set()
    for path in SRC.rglob("*.py"):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name)
    return used


def test_every_setting_is_declared_once_and_used() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    used = _names_used_outside_settings()
    for setting in SETTINGS:
        assert setting.name.upper() in used, f"{setting.name} is declared but never read"
        assert setting.help.endswith(".") and not setting.help[0].islower(), setting.name
    assert [s.env for s in SETTINGS if s.env] == ["ANTQ_CORPUS_DIR", "ANTQ_INDEX_DIR"]


def test_folders_come_from_the_environment_and_arguments_win() -> None:
    env = {"ANTQ_CORPUS_DIR": "/a", "ANTQ_INDEX_DIR": "/b"}
    assert Folders.from_env(env) == Folders(Path("/a"), Path("/b"))
    assert Folders.from_env(env, index_dir="/c").index_dir == Path("/c")
    assert Folders.from_env({}) == Folders(Path("corpus"), Path("index"))


def test_the_command_line_shows_the_declared_defaults_and_help() -> None:
    text = CliRunner().invoke(main, ["search", "--help"]).output
    per_page = settings.PER_PAGE
    assert re.search(rf"--per-page INTEGER\s+{per_page.help}\s+\[mặc định: {per_page.default}\]",
                     text)
    for facet in DECLARED:
        option = f"--{facet.name.replace('_', '-')} {facet.metavar}"
        assert option in text and facet.help[:30] in " ".join(text.split()), option
    serve = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    for setting in (settings.HOST, settings.PORT, settings.THREADS, settings.WORKERS):
        assert f"{setting.help} [mặc định: {setting.default}" in serve, setting.name


def test_the_search_box_takes_the_declared_query_length(web_app: Flask) -> None:
    page = web_app.test_client().get("/").get_data(as_text=True)
    assert f'maxlength="{settings.MAX_QUERY_CHARS.default}"' in page


def test_one_query_length() -> None:
    """The query language searches max_query_chars and says so; the page keeps twice that
    of ``q`` (so that the notice can be given), never a second, unrelated number."""
    limit = settings.MAX_QUERY_CHARS.default
    assert QUERY_PARAM_CHARS == 2 * limit
    long = "an " * limit
    assert len(Params.from_args(MultiDict({"q": long})).q) == min(len(long), QUERY_PARAM_CHARS)
    assert any(str(limit) in notice for notice in parse_query(long).notices)


def test_facets_in_one_declaration() -> None:
    assert FACETS == ("province", "province_2025", "year", "official")
    assert [f.name for f in SIDEBAR] == ["province_2025", "province", "year", "official"]
    assert [FACET[f].label for f in FACETS] == [
        "Tỉnh/thành (trước 7/2025)", "Tỉnh/thành (từ 7/2025)", "Năm", "Quan chức"]
    for facet in DECLARED:
        for name in facet.field_names:
            assert FIELD_ALIASES[name] == facet.name
            assert split_filters(f'an {name}:"x"')[1] == {facet.name: ("x",)}
    args = MultiDict([(f.name, "2023") for f in DECLARED])
    assert [name for name, _ in Params.from_args(args).filters] == list(FACETS)


@given(
    counts=st.dictionaries(st.sampled_from(["Hà Nội", "Huế", "An Giang", "Đà Nẵng", "Ánh",
                                            "Anh", "Bình Định", "Lê Văn Ba", "Lê Văn Bá"]),
                           st.integers(0, 4)),
    chosen=st.sets(st.sampled_from(["Huế", "Ánh", "Lê Văn Ba", "Cà Mau"])),
    limit=st.integers(0, 10),
)
def test_listed_is_the_full_sort_cut_at_the_limit(counts: dict[str, int], chosen: set[str],
                                                   limit: int) -> None:
    """Sorting only the values that can make the first ``limit`` changes nothing."""
    order = sorted(counts, key=lambda v: (-counts[v], vi_sort_key(v)))
    expected = order[:limit] + [v for v in order[limit:] if v in chosen]
    assert FACET["province"].listed(counts, chosen, limit) == expected
