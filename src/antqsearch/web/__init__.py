"""The web app: HTML search pages, the JSON API of design §6, suggestions, a health check.

A Flask blueprint package:

- ``app``: :func:`create_app`, the app factory (one ``SearchService`` per app; security
  headers; template globals: the facets and the limits the pages show);
- ``views``: the ``site`` blueprint (every URL of the site);
- ``params``: the search parameters of a page's URL (:class:`Params`), to a ``SearchRequest``
  and back to links;
- ``page``: a ``SearchPage`` as the templates' plain data (facet groups, chips, chart, pages);
- ``errors``: error pages and error JSON in Vietnamese (503 while the index or the word
  segmenter is not ready).
"""

from __future__ import annotations

from .app import create_app
from .page import page_numbers
from .params import format_date

__all__ = ["create_app", "format_date", "page_numbers"]
