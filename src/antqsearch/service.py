"""The search service: ``SearchRequest`` → ``SearchPage``, an article → ``Article``.

No Flask and no presentation here: the web layer and the command line hand the service
the function that makes an article's address (``article_url``), and templates do the
rest. The index is opened once per generation and shared by every thread (see
:mod:`antqsearch.generation`); :mod:`antqsearch.reload` picks up a new generation when
``antqsearch index`` swaps one in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import settings
from .backend import IndexBackend
from .collate import vi_sort_key
from .facets import FACET, FACETS
from .generation import Generation, marks_of, open_generation, read_through
from .queryanalysis import analyse_query
from .querybuild import BuiltQuery, Weights, build_query
from .querylang import ParsedQuery, parse_query
from .ranking import Matched, matching, phrase_total
from .record import ArticleRecord
from .reload import CurrentGeneration
from .searchtypes import (
    Article,
    ArticleNotFound,
    FacetValue,
    Health,
    Hit,
    SearchPage,
    SearchRequest,
)
from .snippets import Marks, mark_html, match_spans, snippet_html
from .text import syllable_terms

# Declared (with its help) in settings.py.
LISTED_FACET_VALUES = settings.LISTED_FACET_VALUES.default
ArticleUrl = Callable[[str], str]


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


class SearchService:
    """Searches the current index generation of a folder.

    ``backend``: how generations are opened (default: Whoosh, on disk); ``article_url``:
    the address of an article's page, for the hits' ``url`` (the web layer's; without
    it, hits have no address).
    """

    def __init__(self, index_dir: Path, weights: Weights | None = None,
                 backend: IndexBackend | None = None,
                 article_url: ArticleUrl | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.weights = weights or Weights()
        if backend is None:
            from .backend.whoosh import WhooshBackend  # the default: the index on disk

            backend = WhooshBackend()
        self.backend = backend
        self.article_url = article_url
        index_dir, weights = self.index_dir, self.weights  # not self: no reference cycle
        self._current = CurrentGeneration(  # (a service let go frees its generation at once)
            index_dir, lambda: open_generation(index_dir, weights, backend))

    def generation(self) -> Generation:
        """The current generation (see :mod:`antqsearch.reload`)."""
        return self._current.get()

    def _url(self, article_id: str) -> str:
        return self.article_url(article_id) if self.article_url is not None else ""

    @property
    def opened(self) -> Generation | None:
        """The generation in use, if one was opened (never opens one)."""
        return self._current.opened

    def health(self) -> Health:
        """Document count and build time of the current index (IndexNotReady if none)."""
        gen = self.generation()
        return Health(gen.doc_count, gen.built_at)

    def warm_up(self) -> str | None:
        """Open the index, load pyvi, read the most frequent words' postings
        (:meth:`Engine.preload`) and run every kind of request once, so that the first
        reader does not wait; the id of an article (for warming its page), if any."""
        return self._warm(self.generation())

    def _warm(self, gen: Generation) -> str | None:
        read_through(gen.path)
        gen.engine.preload(gen.frequent)
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
        self._current.watch(interval, self._warm, warm)

    def search(self, request: SearchRequest) -> SearchPage:
        """Run a search: ranked hits, facet counts, snippets and a suggestion."""
        return self._search(self.generation(), request)

    def _search(self, gen: Generation, request: SearchRequest) -> SearchPage:
        started = time.perf_counter()
        analysed = gen.analysed(request.query)
        parsed, analysis, suggestion = analysed.parsed, analysed.analysis, analysed.hint
        built = build_query(analysis, self.weights)
        selection = _selection(request, parsed)
        matched = matching(gen.engine, built, self.weights)
        dated = matched.mask
        if request.date_from or request.date_to:
            dated = dated & gen.dates.within(request.date_from, request.date_to)
        filtered, counts = gen.facets.apply(dated, selection, LISTED_FACET_VALUES)
        undated = filtered if dated is matched.mask else gen.facets.apply(matched.mask,
                                                                          selection)[0]
        hits = self._ranked(gen, built, matched, filtered, request,
                            marks_of(analysis, matched.relaxed))
        if built.accented:  # a spelling correction helps when a word was found nowhere
            found = filtered.any() and not matched.relaxed and not matched.unknown
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
            phrase_total=phrase_total(matched, filtered),
        )

    def rank(self, query: str, limit: int) -> tuple[list[int], np.ndarray]:
        """Ranking only (no facets, snippets or suggestion), for ``bench/relevance.py``: the
        document numbers of the best ``limit`` matches and the mask of every match."""
        gen = self.generation()
        built = build_query(analyse_query(parse_query(query)), self.weights)
        matched = matching(gen.engine, built, self.weights)
        return [int(d) for d in gen.engine.top(matched.order, matched.mask, 0, limit)], \
            matched.mask

    def document_numbers(self) -> dict[str, int]:
        """Article id → document number in the current generation (live articles)."""
        gen = self.generation()
        ids = gen.source.column("id")
        return {str(ids[d]): d for d in range(gen.engine.size) if gen.engine.live[d]}

    def _ranked(self, gen: Generation, built: BuiltQuery, matched: Matched,
                docs: np.ndarray, request: SearchRequest, marks: Marks) -> list[Hit]:
        start, stop = (request.page - 1) * request.per_page, request.page * request.per_page
        by_date = request.sort == "date" or built.empty
        order = gen.date_rank.astype(np.float64) if by_date else matched.order
        score = matched.score
        hits = []
        for d in gen.engine.top(order, docs, start, stop):
            record = gen.stored(int(d))
            hits.append(_hit(record, 0.0 if by_date else float(score[d]), marks,
                             self._url(record.id)))
        return hits

    def article(self, article_id: str, query: str = "") -> Article:
        """One article with the query's words marked, and related articles."""
        return self._article(self.generation(), article_id, query)

    def _article(self, gen: Generation, article_id: str, query: str) -> Article:
        docnum = gen.document_number(article_id)
        if docnum is None:
            raise ArticleNotFound(article_id)
        record = gen.stored(docnum)
        marks = marks_of(gen.analysed(query).analysis)
        return Article(
            **_shown(record, marks),
            province_legacy=record.province_legacy,
            district=record.district,
            ward=record.ward,
            body_html=mark_html(record.body, match_spans(record.body, marks)),
            related=[_hit(found, score, Marks(), self._url(found.id))
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


def _shown(record: ArticleRecord, marks: Marks) -> dict[str, Any]:
    """What a hit and an article page both show of a record, the title marked."""
    return {
        "id": record.id,
        "title": record.title,
        "title_html": mark_html(record.title, match_spans(record.title, marks)),
        "date": record.full_date,
        "year": record.year,
        "province": record.province,
        "province_2025": record.province_2025,
        "officials": list(record.officials),
        "author": record.author,
        "source": record.source,
        "source_url": record.source_url,
    }


def _hit(record: ArticleRecord, score: float, marks: Marks, url: str) -> Hit:
    spans = match_spans(record.body, marks)
    return Hit(
        **_shown(record, marks),
        url=url,
        score=round(float(score or 0.0), 4),
        snippet_html=snippet_html(record.body, spans, record.lead_chars),
    )
