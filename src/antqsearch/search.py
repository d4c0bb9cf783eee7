"""Searching, as the web layer, the command line and the benchmarks use it.

The public names of :mod:`antqsearch.service` (the service: reload policy in
:mod:`antqsearch.reload`, one opened generation in :mod:`antqsearch.generation`, the
ranking policy in :mod:`antqsearch.ranking`) and of :mod:`antqsearch.searchtypes` (the
request and response dataclasses), in one place.
"""

from __future__ import annotations

from .searchtypes import (
    MAX_PAGE,
    MAX_PER_PAGE,
    SORTS,
    Article,
    ArticleNotFound,
    BadRequest,
    FacetValue,
    Health,
    Hit,
    SearchPage,
    SearchRequest,
    whole_number,
)
from .service import SearchService

__all__ = ["MAX_PAGE", "MAX_PER_PAGE", "SORTS", "Article", "ArticleNotFound", "BadRequest",
           "FacetValue", "Health", "Hit", "SearchPage", "SearchRequest", "SearchService",
           "whole_number"]
