"""The site's addresses that its JSON carries (design §6: a hit's ``url``).

The web layer and the command line hand :func:`article_url` to the search service, which
builds no address itself.
"""

from __future__ import annotations


def article_url(article_id: str) -> str:
    """The address of an article's page.

    >>> article_url("000_ae1a3d5dfa8173e5")
    '/article/000_ae1a3d5dfa8173e5'
    """
    return f"/article/{article_id}"
