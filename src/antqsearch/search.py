"""The search service: ``SearchRequest`` → ``SearchPage`` (no Flask here).

The index is opened once per generation and shared by every thread (its reads hold one
lock). When ``antqsearch index`` swaps in a new generation, the next request sees it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import settings
from .analysis import ANALYSIS_VERSION
from .backend import IndexBackend, PostingsSource
from .collate import vi_sort_key
from .datefilter import BadDate, DateColumn, DateCount, parse_day
from .engine import Engine, Evaluation
from .facets import FACET, FACETS, FacetColumns
from .plan import Any as AnyOf
from .plan import Term
from .queryanalysis import QueryAnalysis, analyse_query, is_accented
from .querybuild import BuiltQuery, Weights, build_query, min_should_match
from .querylang import ParsedQuery, parse_query
from .record import ArticleRecord
from .snippets import Marks, mark_html, match_spans, snippet_html
from .store import (
    CURRENT,
    IndexNotReady,
    Manifest,
    ReaderLease,
    current_generation,
    open_leased,
    read_manifest,
)
from .suggest import Vocabulary, suggest
from .text import syllable_terms

# Declared (with their help) in settings.py.
MAX_PER_PAGE = settings.MAX_PER_PAGE.default
STORED_CACHE = settings.STORED_CACHE.default
ANALYSIS_CACHE = settings.ANALYSIS_CACHE.default
LISTED_FACET_VALUES = settings.LISTED_FACET_VALUES.default
RELATED_ARTICLES = settings.RELATED_ARTICLES.default
RELATED_TERMS = settings.RELATED_TERMS.default
MAX_PAGE = settings.MAX_PAGE.default
SORTS = ("relevance", "date")
log = logging.getLogger(__name__)


class BadRequest(ValueError):
    """A request parameter that cannot be used; the message is for the reader."""


def whole_number(text: str, what: str) -> int:
    """A page or page-size parameter as typed; BadRequest with a Vietnamese message.

    >>> whole_number(" 2 ", "Số trang")
    2
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise BadRequest(f"{what} phải là số nguyên dương, không phải {text[:20]!r}.")
    return int(text)


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
    per_page: int = settings.PER_PAGE.default
    province_2025: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:
        try:
            for name, what in (("date_from", "Ngày bắt đầu"), ("date_to", "Ngày kết thúc")):
                if getattr(self, name):
                    object.__setattr__(self, name, parse_day(getattr(self, name), what))
        except BadDate as exc:
            raise BadRequest(str(exc)) from None
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest("Ngày bắt đầu phải trước ngày kết thúc.")
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
    source: str | None = None
    source_url: str | None = None
    province_2025: str | None = None


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
    dates: list[DateCount] = field(default_factory=list)
    # How many of the results have the query's words side by side ("12 bài có cụm từ
    # này"); None unless the query is several plain words and some results have them so.
    phrase_total: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """The object of design §6."""
        data = asdict(self)
        for hit in data["hits"]:
            hit.pop("title_html")
        for value in data["facets"].get("year", []):
            if value["value"].isascii() and value["value"].isdigit():
                value["value"] = int(value["value"])  # an int, as in the hits
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
    source: str | None = None
    source_url: str | None = None
    province_2025: str | None = None
    province_legacy: str | None = None  # the "province" facet's value (before 7/2025)


@dataclass(frozen=True)
class Analysed:
    """A query as the service uses it: parsed, analysed, and its suggestion when the
    analysis needed it (a query without diacritics); None otherwise."""

    parsed: ParsedQuery
    analysis: QueryAnalysis
    hint: str | None


def marks_of(analysis: QueryAnalysis, loose: bool = False) -> Marks:
    """What the highlighter marks for an analysed query (``loose``: every content syllable
    alone as well, for results that have only part of the query)."""
    singles = analysis.singles | analysis.loose if loose else analysis.singles
    return Marks(analysis.phrases, singles, not analysis.accented)


@dataclass
class _Generation:
    """One opened index generation, shared by every thread: one reader, one lock."""

    path: Path
    source: PostingsSource
    engine: Engine
    facets: FacetColumns
    date_rank: np.ndarray
    dates: DateColumn
    vocabulary: Vocabulary
    built_at: float | None
    doc_count: int

    stored_cache: OrderedDict[int, ArticleRecord] = field(default_factory=OrderedDict)
    analysis_cache: OrderedDict[str, Analysed] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def analysed(self, query: str) -> Analysed:
        """A reader's query parsed and analysed, with its accented form when it was typed
        without diacritics (the suggestion: it tells which words to mark together); the
        most recent ANALYSIS_CACHE kept."""
        with self.lock:
            found = self.analysis_cache.get(query)
            if found is not None:
                self.analysis_cache.move_to_end(query)
                return found
        parsed = parse_query(query)
        hint = None if is_accented(parsed) else self.suggestion(parsed)
        found = Analysed(parsed, analyse_query(parsed, hint), hint)
        with self.lock:
            self.analysis_cache[query] = found
            if len(self.analysis_cache) > ANALYSIS_CACHE:
                self.analysis_cache.popitem(last=False)
        return found

    def suggestion(self, parsed: ParsedQuery) -> str | None:
        """A better spelling of the query's words ("Có phải bạn muốn tìm"), or None."""
        if not parsed.positive or any(c.alternatives for c in parsed.clauses):
            return None
        return suggest(" ".join(c.text for c in parsed.positive), self.vocabulary,
                       self.pair_frequency)

    def stored(self, docnum: int) -> ArticleRecord:
        """A document's record (the most recent STORED_CACHE kept decoded)."""
        with self.lock:
            found = self.stored_cache.get(docnum)
            if found is None:
                found = self.stored_cache[docnum] = self.source.record(docnum)
                if len(self.stored_cache) > STORED_CACHE:
                    self.stored_cache.popitem(last=False)
            else:
                self.stored_cache.move_to_end(docnum)
            return found

    def pair_frequency(self, pair: str) -> int:
        """How many articles have two syllables side by side (``"văn thi"``)."""
        return self.source.doc_frequency("pairs", pair)

    def document_number(self, article_id: str) -> int | None:
        return self.source.document_number(article_id)

    def related(self, docnum: int, terms: str) -> list[tuple[ArticleRecord, float]]:
        """Documents like this one: the key terms of the body's syllables (Bo1 model, as
        Whoosh's more-like-this), scored by the engine."""
        if not terms.strip():
            return []
        keys = self.source.key_terms("text", terms, RELATED_TERMS)
        if not keys:
            return []
        found = self.engine.evaluate(AnyOf(tuple(Term("text", t, w) for t, w in keys)),
                                     idf="whoosh")
        candidates = found.mask & self.engine.live
        candidates[docnum] = False
        docs = self.engine.top(found.score, candidates, 0, RELATED_ARTICLES)
        return [(self.stored(int(d)), float(found.score[d])) for d in docs]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def _date_rank(source: PostingsSource) -> np.ndarray:
    """Each document's position when sorted by date (a year alone sorts as that year)."""
    dates = source.column("date")
    keys = np.array([dates[d] or "" for d in range(source.doc_count_all())], dtype=object)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    return rank


def _check_version(path: Path) -> Manifest:
    """The manifest of a generation built by this version; IndexNotReady otherwise."""
    manifest = read_manifest(path)
    if manifest is None or manifest.analysis_version != ANALYSIS_VERSION:
        raise IndexNotReady(f"Chỉ mục {path} được lập bằng phiên bản khác của antqsearch: "
                            "hãy chạy 'antqsearch index --full'.")
    return manifest


def _open_generation(index_dir: Path, weights: Weights,
                     backend: IndexBackend) -> _Generation:
    current = current_generation(index_dir)
    if current is not None and read_manifest(current) is not None:
        _check_version(current)  # before opening: another version's files may not open
    path, source, lease = open_leased(index_dir, backend.open)
    try:
        manifest = _check_version(path)
        engine = Engine(source, weights.k1, weights.b, weights.idf, weights.field_b())
        generation = _Generation(
            path, source, engine, FacetColumns.load(source),
            _date_rank(source), DateColumn.load(source), Vocabulary.load(source),
            manifest.built_at,
            source.doc_count(),
        )
    except BaseException:
        source.close()
        lease.release()
        raise
    # The segment files stay open while the generation is in use (no mmap, see store.py):
    # closed when the last request holding it lets it go; then the lease is released and
    # the generation removed if a newer one replaced it and no other process reads it.
    weakref.finalize(generation, _release, source, lease, index_dir)
    return generation


def _release(source: PostingsSource, lease: ReaderLease, index_dir: Path) -> None:
    source.close()
    lease.release(index_dir)


# Every path of a search once: accented and folded words, a phrase, a facet, date order,
# a misspelling (suggestion), a browse page.
WARM_UP_REQUESTS = (
    SearchRequest("an ninh Tổ quốc"),
    SearchRequest("cong an xa"),
    SearchRequest('"ngày hội" -camera', year=("2023",)),
    SearchRequest("trật tự", sort="date", page=2),
    SearchRequest("an nihn"),
    SearchRequest(""),
)


def _read_through(generation: Path) -> None:
    """Read a generation's files once, so that the first queries find them in the page
    cache (the index is read with plain reads, not mmap)."""
    for path in generation.iterdir():
        try:
            with open(path, "rb", buffering=0) as handle:
                while handle.read(1 << 20):
                    pass
        except OSError:
            continue


@dataclass(frozen=True)
class Health:
    """What /healthz reports."""

    documents: int
    built_at: float | None


class SearchService:
    """Searches the current index generation of a folder."""

    def __init__(self, index_dir: Path, weights: Weights | None = None,
                 backend: IndexBackend | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights or Weights()
        if backend is None:
            from .backend.whoosh import WhooshBackend  # the default: the index on disk

            backend = WhooshBackend()
        self.backend = backend
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._stamp: tuple[int, int] | None = None
        self._watcher: threading.Thread | None = None

    def generation(self) -> _Generation:
        """The current generation, reopened when CURRENT names a new one.

        CURRENT is replaced, never rewritten, by a build: while its inode and time stay the
        same, the generation is the one already open (a stat, not a read, per request).
        With :meth:`watch`, a background thread opens and warms a new generation before it
        replaces the one in use, so that no request waits for the opening.
        """
        generation = self._generation
        if generation is not None and self._watcher is not None:
            return generation
        stamp = _stamp(self.index_dir / CURRENT)
        if generation is not None and stamp is not None and stamp == self._stamp:
            return generation
        path = current_generation(self.index_dir)
        with self._lock:
            if self._generation is None or self._generation.path != path:
                self._generation = _open_generation(self.index_dir, self.weights,
                                                    self.backend)
            self._stamp = stamp
            return self._generation

    def health(self) -> Health:
        """Document count and build time of the current index (IndexNotReady if none)."""
        gen = self.generation()
        return Health(gen.doc_count, gen.built_at)

    def warm_up(self) -> str | None:
        """Open the index, load pyvi and run every kind of request once, so that the first
        reader does not wait; the id of an article (for warming its page), if any."""
        return self._warm(self.generation())

    def _warm(self, gen: _Generation) -> str | None:
        _read_through(gen.path)
        first = None
        for request in WARM_UP_REQUESTS:
            page = self._search(gen, request)
            first = first or (page.hits[0].id if page.hits else None)
        if first is not None:
            self._article(gen, first, WARM_UP_REQUESTS[0].query)
        return first

    def watch(self, interval: float = 1.0,
              warm: Callable[[str | None], None] | None = None) -> None:
        """Open and warm each new generation in a background thread (then ``warm`` is
        called with an article id, e.g. to render its page), and swap it in when ready."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._watch, args=(interval, warm),
                                         name="antqsearch-watch", daemon=True)
        self._watcher.start()

    def _watch(self, interval: float, warm: Callable[[str | None], None] | None) -> None:
        while True:
            time.sleep(interval)
            stamp = _stamp(self.index_dir / CURRENT)
            if stamp is None or stamp == self._stamp:
                continue
            path = current_generation(self.index_dir)
            if self._generation is not None and self._generation.path == path:
                self._stamp = stamp
                continue
            try:
                fresh = _open_generation(self.index_dir, self.weights, self.backend)
                first = self._warm(fresh)
            except Exception as exc:  # keep serving the generation in use
                log.warning("new index generation not opened: %s", exc)
                self._stamp = stamp
                continue
            with self._lock:
                self._generation, self._stamp = fresh, stamp
            del fresh  # the old generation goes when its last request lets it go
            if warm is not None:
                warm(first)

    def search(self, request: SearchRequest) -> SearchPage:
        """Run a search: ranked hits, facet counts, snippets and a suggestion."""
        return self._search(self.generation(), request)

    def _search(self, gen: _Generation, request: SearchRequest) -> SearchPage:
        started = time.perf_counter()
        analysed = gen.analysed(request.query)
        parsed, analysis, suggestion = analysed.parsed, analysed.analysis, analysed.hint
        built = build_query(analysis, self.weights)
        selection = _selection(request, parsed)
        matched = _matching(gen.engine, built, self.weights)
        dated = matched.mask
        if request.date_from or request.date_to:
            dated = dated & gen.dates.within(request.date_from, request.date_to)
        filtered, counts = gen.facets.apply(dated, selection)
        undated = filtered if dated is matched.mask else gen.facets.apply(matched.mask,
                                                                          selection)[0]
        hits = self._ranked(gen, built, matched, filtered, request,
                            marks_of(analysis, matched.relaxed))
        if built.accented:  # a spelling correction only helps when nothing was found
            found = filtered.any() and not matched.relaxed
            suggestion = None if found else gen.suggestion(parsed)
        return SearchPage(
            query=request.query,
            total=int(filtered.sum()),
            page=request.page,
            per_page=request.per_page,
            took_ms=_ms(started),
            suggestion=suggestion,
            hits=hits,
            facets=_facet_values(counts, selection),
            sort="date" if built.empty else request.sort,
            notices=parsed.notices + _relaxed_notice(matched.relaxed and bool(filtered.any())),
            relaxed=matched.relaxed,
            dates=gen.dates.counts(undated, dt.date.today()),
            phrase_total=_phrase_total(matched, filtered),
        )

    def rank(self, query: str, limit: int) -> tuple[list[int], np.ndarray]:
        """Ranking only (no facets, snippets or suggestion), for ``bench/relevance.py``: the
        document numbers of the best ``limit`` matches and the mask of every match."""
        gen = self.generation()
        built = build_query(analyse_query(parse_query(query)), self.weights)
        matched = _matching(gen.engine, built, self.weights)
        return [int(d) for d in gen.engine.top(matched.order, matched.mask, 0, limit)], \
            matched.mask

    def document_numbers(self) -> dict[str, int]:
        """Article id → document number in the current generation (live articles)."""
        gen = self.generation()
        ids = gen.source.column("id")
        return {str(ids[d]): d for d in range(gen.engine.size) if gen.engine.live[d]}

    def _ranked(self, gen: _Generation, built: BuiltQuery, matched: _Matched,
                docs: np.ndarray, request: SearchRequest, marks: Marks) -> list[Hit]:
        start, stop = (request.page - 1) * request.per_page, request.page * request.per_page
        by_date = request.sort == "date" or built.empty
        order = gen.date_rank.astype(np.float64) if by_date else matched.order
        score = matched.score
        return [_hit(gen.stored(int(d)), 0.0 if by_date else float(score[d]), marks)
                for d in gen.engine.top(order, docs, start, stop)]

    def article(self, article_id: str, query: str = "") -> Article:
        """One article with the query's words marked, and related articles."""
        return self._article(self.generation(), article_id, query)

    def _article(self, gen: _Generation, article_id: str, query: str) -> Article:
        docnum = gen.document_number(article_id)
        if docnum is None:
            raise ArticleNotFound(article_id)
        record = gen.stored(docnum)
        marks = marks_of(gen.analysed(query).analysis)
        body_spans = match_spans(record.body, marks)
        title_spans = match_spans(record.title, marks)
        return Article(
            id=article_id,
            title=record.title,
            date=record.full_date,
            year=record.year,
            province=record.province,
            province_2025=record.province_2025,
            province_legacy=record.province_legacy,
            district=record.district,
            ward=record.ward,
            officials=list(record.officials),
            author=record.author,
            body_html=mark_html(record.body, body_spans),
            title_html=mark_html(record.title, title_spans),
            source=record.source,
            source_url=record.source_url,
            related=[_hit(found, score, Marks())
                     for found, score in gen.related(docnum, " ".join(syllable_terms(
                         record.body)))],
        )

    def stats(self) -> dict[str, Any]:
        """Document count and the count of every facet value."""
        gen = self.generation()
        live = gen.engine.live
        _, counts = gen.facets.apply(live, {})
        return {
            "documents": int(live.sum()),
            "built_at": gen.built_at,
            "facets": {f: sorted(counts[f].items(), key=lambda i: (-i[1], vi_sort_key(i[0])))
                       for f in FACETS},
        }


@dataclass(frozen=True)
class _Matched:
    mask: np.ndarray
    score: np.ndarray
    relaxed: bool
    order: np.ndarray  # the ranking key: adjacency tier first, then the score
    together: np.ndarray | None = None  # articles with all the words side by side


def _adjacency(engine: Engine, built: BuiltQuery, score: np.ndarray, content_units: int,
               weights: Weights) -> tuple[np.ndarray, np.ndarray | None]:
    """The ranking key and the articles with every pair. For a short query (a name, a
    place: at most ``adjacent_up_to`` content words), an article where more of its words
    stand together outranks any with fewer, whatever their scores."""
    if not built.pairs:
        return score, None
    masks = [engine.evaluate(p).mask for p in built.pairs]
    together = np.logical_and.reduce(masks) if built.one_run else None
    if content_units > weights.adjacent_up_to:
        return score, together
    tier = np.sum(masks, axis=0, dtype=np.float64)
    if weights.adjacent_rule == "any":
        tier = (tier > 0).astype(np.float64)
    elif weights.adjacent_rule == "all":
        tier = (tier == len(masks)).astype(np.float64)
    return tier * (float(score.max()) + 1.0) + score, together


def _coverage(engine: Engine, units: list[Evaluation]) -> tuple[np.ndarray, float]:
    """How much of the query's information each article has: the idf of the units it
    matches, added up, and the idf of all (units found nowhere do not count)."""
    frequencies = [int(e.mask.sum()) for e in units]
    idf = [engine.idf(n) if n else 0.0 for n in frequencies]
    covered = np.zeros(engine.size, dtype=np.float64)
    for weight, unit in zip(idf, units, strict=True):
        covered += weight * unit.mask
    return covered, float(sum(idf))


def _gate(engine: Engine, counted: list[Evaluation], weights: Weights,
          accented: bool) -> np.ndarray:
    """Articles with enough content units: all of a short query; of a long one, a share of
    its units (``coverage`` off) or of its information (idf-weighted: ``coverage`` all, or
    folded for queries without diacritics only)."""
    need = min_should_match(len(counted), weights)
    weighted = weights.coverage == "all" or (weights.coverage == "folded" and not accented)
    if weighted and len(counted) > weights.all_up_to:
        covered, total = _coverage(engine, counted)
        gate: np.ndarray = covered >= weights.should_match * total - 1e-9
        return gate
    gate = np.sum([e.mask for e in counted], axis=0) >= need
    return gate


def _loosened(engine: Engine, units: list[Evaluation], weights: Weights) -> np.ndarray:
    """When no article has enough of the query: those with the most of its information
    (at least ``relax_share`` of it when any has that much), never every article with
    one common word of it (``relax_share`` 0: any unit, as before)."""
    if weights.relax_share <= 0:
        anything: np.ndarray = np.logical_or.reduce([e.mask for e in units])
        return anything
    covered, total = _coverage(engine, units)
    threshold = min(weights.relax_share * total, float(covered.max()))
    return (covered >= threshold - 1e-9) & (covered > 0)


def _matching(engine: Engine, built: BuiltQuery, weights: Weights) -> _Matched:
    """Articles with every required unit and enough content units (loosened when that
    leaves nothing), none excluded; their scores and ranking key."""
    order: np.ndarray | None = None
    together = None
    if built.empty:
        mask, score, relaxed = engine.live.copy(), engine.nothing().score, False
    else:
        units = {kind: [engine.evaluate(u.query) for u in built.units if u.kind == kind]
                 for kind in ("required", "content", "stop")}
        counted = units["content"] or units["stop"]
        need = min_should_match(len(counted), weights)
        mask = engine.live.copy()
        if counted:
            mask &= _gate(engine, counted, weights, built.accented)
        for required in units["required"]:
            mask &= required.mask
        relaxed = not mask.any() and (need > 1 or bool(units["required"]))
        every = [e for kind in units.values() for e in kind]
        if relaxed:
            informative = units["required"] + units["content"] or every
            informative = informative if weights.relax_share > 0 else every
            mask = _loosened(engine, informative, weights) & engine.live
        score = np.sum([e.score for e in every]
                       + [engine.evaluate(b).score for b in built.boosts + built.pairs], axis=0)
        order, together = _adjacency(engine, built, score, len(counted), weights)
    if built.negative is not None:
        mask &= ~engine.evaluate(built.negative).mask
    return _Matched(mask, score, relaxed, score if order is None else order,
                    None if together is None else together & mask)


def _phrase_total(matched: _Matched, filtered: np.ndarray) -> int | None:
    if matched.together is None:
        return None
    return int((matched.together & filtered).sum()) or None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _relaxed_notice(relaxed: bool) -> tuple[str, ...]:
    if not relaxed:
        return ()
    return ("Không có bài nào chứa đủ mọi từ đã gõ; dưới đây là các bài chứa một phần.",)


def _selection(request: SearchRequest, parsed: ParsedQuery) -> dict[str, set[str]]:
    selection = {facet: set(getattr(request, facet)) for facet in FACETS}
    for facet, values in parsed.filters.items():
        selection.setdefault(facet, set()).update(values)
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
        order = FACET[facet].listed(items, chosen, LISTED_FACET_VALUES)
        facets[facet] = [FacetValue(v, items[v], v in chosen) for v in order]
    return facets


def _hit(record: ArticleRecord, score: float, marks: Marks) -> Hit:
    body, title = record.body, record.title
    spans = match_spans(body, marks)
    title_spans = match_spans(title, marks)
    return Hit(
        id=record.id,
        title=title,
        url=f"/article/{record.id}",
        date=record.full_date,
        year=record.year,
        province=record.province,
        province_2025=record.province_2025,
        officials=list(record.officials),
        author=record.author,
        score=round(float(score or 0.0), 4),
        snippet_html=snippet_html(body, spans, record.lead_chars),
        title_html=mark_html(title, title_spans),
        source=record.source,
        source_url=record.source_url,
    )
