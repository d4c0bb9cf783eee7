"""The search service: ``SearchRequest`` → ``SearchPage`` (no Flask here).

The index is opened once per generation and shared; each thread gets its own Whoosh
searcher. When ``antqsearch index`` swaps in a new generation, the next request sees it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25F

from .facets import FACETS, FacetColumns
from .querybuild import BuiltQuery, Weights, build_query, min_should_match
from .querylang import ParsedQuery, parse_query
from .snippets import mark_html, match_spans, snippet_html
from .store import current_generation, open_current, read_manifest
from .suggest import Vocabulary, suggest

MAX_PER_PAGE = 100
MAX_PAGE = 1000
SORTS = ("relevance", "date")


class BadRequest(ValueError):
    """A request parameter that cannot be used; the message is for the reader."""


class ArticleNotFound(LookupError):
    """No article with that id."""


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asks: query text, facet selections, sort and page."""

    query: str = ""
    province: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    official: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise BadRequest("Cách sắp xếp không hợp lệ: chỉ nhận 'relevance' hoặc 'date'.")
        if not 1 <= self.page <= MAX_PAGE:
            raise BadRequest(f"Số trang phải từ 1 đến {MAX_PAGE}.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise BadRequest(f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.")
        for year in self.year:
            if not (year.isdigit() and len(year) == 4):
                raise BadRequest(f"Năm không hợp lệ: {year[:20]!r} (cần bốn chữ số, ví dụ 2023).")


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str
    date: str | None
    year: int | None
    province: str | None
    officials: list[str]
    author: str | None
    score: float
    snippet_html: str
    title_html: str = ""


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    suggestion: str | None
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    sort: str = "relevance"
    notices: tuple[str, ...] = ()
    relaxed: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """The object of design §6."""
        data = asdict(self)
        for hit in data["hits"]:
            hit.pop("title_html")
        for key in ("sort", "notices", "relaxed"):
            data.pop(key)
        return data


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    date: str | None
    year: int | None
    province: str | None
    district: str | None
    ward: str | None
    officials: list[str]
    author: str | None
    body_html: str
    title_html: str
    related: list[Hit] = field(default_factory=list)


@dataclass
class _Generation:
    """One opened index generation, shared by every thread."""

    path: Path
    index: Any
    facets: FacetColumns
    vocabulary: Vocabulary
    built_at: float | None
    doc_count: int
    local: threading.local = field(default_factory=threading.local)

    def searcher(self, weights: Weights) -> Any:
        searcher = getattr(self.local, "searcher", None)
        if searcher is None:
            weighting = BM25F(B=weights.b, K1=weights.k1)
            searcher = self.local.searcher = self.index.searcher(weighting=weighting)
        return searcher


def _open_generation(index_dir: Path) -> _Generation:
    path, index = open_current(index_dir)
    manifest = read_manifest(path)
    with index.searcher() as searcher:
        reader = searcher.reader()
        facets = FacetColumns.load(reader)
        vocabulary = Vocabulary.load(reader)
        count = searcher.doc_count()
    return _Generation(
        path, index, facets, vocabulary, manifest.built_at if manifest else None, count
    )


def _optional(value: Any) -> Any:
    return value if value not in ("", 0, None) else None


def _date(value: Any) -> str | None:
    """The ISO date or month of an article (a year alone is only in ``year``)."""
    return value if isinstance(value, str) and len(value) >= 7 else None


@dataclass(frozen=True)
class Health:
    """What /healthz reports."""

    documents: int
    built_at: float | None


class SearchService:
    """Searches the current index generation of a folder."""

    def __init__(self, index_dir: Path, weights: Weights | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights or Weights()
        self._lock = threading.Lock()
        self._generation: _Generation | None = None

    def generation(self) -> _Generation:
        """The current generation, reopened when CURRENT names a new one."""
        path = current_generation(self.index_dir)
        generation = self._generation
        if generation is not None and generation.path == path:
            return generation
        with self._lock:
            if self._generation is None or self._generation.path != path:
                self._generation = _open_generation(self.index_dir)
            return self._generation

    def health(self) -> Health:
        """Document count and build time of the current index (IndexNotReady if none)."""
        gen = self.generation()
        return Health(gen.doc_count, gen.built_at)

    def warm_up(self) -> None:
        """Open the index and load pyvi now, so that the first reader does not wait."""
        self.search(SearchRequest("an ninh Tổ quốc"))

    def search(self, request: SearchRequest) -> SearchPage:
        """Run a search: ranked hits, facet counts, snippets and a suggestion."""
        started = time.perf_counter()
        gen = self.generation()
        searcher = gen.searcher(self.weights)
        parsed = parse_query(request.query)
        suggestion = self._suggestion(gen, parsed)
        built = build_query(parsed, self.weights, suggestion)
        selection = _selection(request, parsed)
        docs, relaxed = self._matching(searcher, built)
        if relaxed:
            built = built.loosened()
        filtered, counts = gen.facets.apply(docs, selection)
        hits = self._ranked(searcher, built, filtered, request)
        if built.accented and filtered and not relaxed:
            suggestion = None  # a spelling correction only helps when nothing was found
        return SearchPage(
            query=request.query,
            total=len(filtered),
            page=request.page,
            per_page=request.per_page,
            took_ms=_ms(started),
            suggestion=suggestion,
            hits=hits,
            facets=_facet_values(counts, selection),
            sort=request.sort,
            notices=parsed.notices + _relaxed_notice(relaxed),
            relaxed=relaxed,
        )

    def _matching(self, searcher: Any, built: BuiltQuery) -> tuple[set[int], bool]:
        """The articles that match enough of the query's units (and none excluded)."""
        if built.empty:
            docs = set(searcher.docs_for_query(Q.Every()))
            relaxed = False
        else:
            docs, relaxed = _enough_units(searcher, built, self.weights)
        if built.negative is not None and docs:
            docs -= set(searcher.docs_for_query(built.negative))
        reader = searcher.reader()
        if reader.has_deletions():
            docs = {d for d in docs if not reader.is_deleted(d)}
        return docs, relaxed

    def _ranked(self, searcher: Any, built: BuiltQuery, docs: set[int],
                request: SearchRequest) -> list[Hit]:
        if not docs:
            return []
        by_date = request.sort == "date" or built.empty
        limit = request.page * request.per_page
        results = searcher.search(built.scoring_query(), filter=docs, limit=limit,
                                  sortedby="date" if by_date else None, reverse=by_date)
        start = (request.page - 1) * request.per_page
        top = [results[i] for i in range(start, min(limit, results.scored_length()))]
        return [_hit(hit.fields(), 0.0 if by_date else hit.score, built) for hit in top]

    @staticmethod
    def _suggestion(gen: _Generation, parsed: ParsedQuery) -> str | None:
        if not parsed.positive or any(c.alternatives for c in parsed.clauses):
            return None
        return suggest(" ".join(c.text for c in parsed.positive), gen.vocabulary)

    def article(self, article_id: str, query: str = "") -> Article:
        """One article with the query's words marked, and related articles."""
        gen = self.generation()
        searcher = gen.searcher(self.weights)
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFound(article_id)
        stored = searcher.stored_fields(docnum)
        parsed = parse_query(query)
        built = build_query(parsed, self.weights, self._suggestion(gen, parsed))
        body_spans = match_spans(stored["body"], built.marks)
        title_spans = match_spans(stored["title"], built.marks)
        return Article(
            id=article_id,
            title=stored["title"],
            date=_date(stored.get("date")),
            year=_optional(stored.get("year")),
            province=_optional(stored.get("province")),
            district=_optional(stored.get("district")),
            ward=_optional(stored.get("ward")),
            officials=_officials(stored),
            author=_optional(stored.get("author")),
            body_html=mark_html(stored["body"], body_spans),
            title_html=mark_html(stored["title"], title_spans),
            related=self._related(searcher, docnum, stored),
        )

    def _related(self, searcher: Any, docnum: int, stored: dict[str, Any]) -> list[Hit]:
        results = searcher.more_like(docnum, "body", text=stored["body"], top=5, numterms=12)
        empty = BuiltQuery()
        return [_hit(hit.fields(), hit.score, empty) for hit in results]

    def stats(self) -> dict[str, Any]:
        """Document count and the count of every facet value."""
        gen = self.generation()
        all_docs = set(gen.searcher(self.weights).docs_for_query(Q.Every()))
        _, counts = gen.facets.apply(all_docs, {})
        return {
            "documents": len(all_docs),
            "built_at": gen.built_at,
            "facets": {f: counts[f].most_common() for f in FACETS},
        }


def _enough_units(searcher: Any, built: BuiltQuery, weights: Weights) -> tuple[set[int], bool]:
    """Articles with every required unit and enough content units; relaxed to any unit
    when that leaves nothing."""
    sets = {kind: [set(searcher.docs_for_query(u.query)) for u in built.units if u.kind == kind]
            for kind in ("required", "content", "stop")}
    counted = sets["content"] or sets["stop"]
    need = min_should_match(len(counted), weights)
    docs = _at_least(counted, need) if counted else None
    for required in sets["required"]:
        docs = required if docs is None else docs & required
    if docs or need <= 1 and not sets["required"]:
        return docs or set(), False
    every = [s for kind in sets.values() for s in kind]
    return set().union(*every), True


def _at_least(sets: list[set[int]], need: int) -> set[int]:
    if need >= len(sets):
        return set.intersection(*sets)
    counts: Counter[int] = Counter()
    for docs in sets:
        counts.update(docs)
    return {d for d, n in counts.items() if n >= need}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _relaxed_notice(relaxed: bool) -> tuple[str, ...]:
    if not relaxed:
        return ()
    return ("Không có bài nào chứa đủ mọi từ đã gõ; dưới đây là các bài chứa một phần.",)


def _selection(request: SearchRequest, parsed: ParsedQuery) -> dict[str, set[str]]:
    selection = {
        "province": set(request.province),
        "year": set(request.year),
        "official": set(request.official),
    }
    for facet, values in parsed.filters.items():
        selection[facet].update(values)
    return {facet: values for facet, values in selection.items() if values}


def _facet_values(
    counts: dict[str, Counter[str]], selection: dict[str, set[str]]
) -> dict[str, list[FacetValue]]:
    facets = {}
    for facet in FACETS:
        chosen = selection.get(facet, set())
        items = dict(counts[facet])
        for value in chosen:
            items.setdefault(value, 0)
        if facet == "year":
            order = sorted(items, reverse=True)
        else:
            order = sorted(items, key=lambda v: (-items[v], v))
        facets[facet] = [FacetValue(v, items[v], v in chosen) for v in order]
    return facets


def _officials(stored: dict[str, Any]) -> list[str]:
    return [v for v in str(stored.get("official") or "").split(",") if v]


def _hit(stored: dict[str, Any], score: float, built: BuiltQuery) -> Hit:
    body, title = stored.get("body", ""), stored.get("title", "")
    spans = match_spans(body, built.marks)
    title_spans = match_spans(title, built.marks)
    return Hit(
        id=stored["id"],
        title=title,
        url=f"/article/{stored['id']}",
        date=_date(stored.get("date")),
        year=_optional(stored.get("year")),
        province=_optional(stored.get("province")),
        officials=_officials(stored),
        author=_optional(stored.get("author")),
        score=round(float(score or 0.0), 4),
        snippet_html=snippet_html(body, spans),
        title_html=mark_html(title, title_spans),
    )
