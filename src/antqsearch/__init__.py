"""antqsearch: Vietnamese full-text search over news of the ANTQ festivals."""

__version__ = "0.1.0"
