"""Chinese full-text search of the policy library: jieba segments the text (`cut_for_search`, which also
yields the shorter words inside long ones: 挂牌督导 → 挂牌, 督导, 挂牌督导), the tokens are stored
space-separated in `Policy.search_text`, and a query is segmented the same way.

- PostgreSQL: `to_tsvector('simple', search_text) @@ plainto_tsquery('simple', tokens)` — every token
  must match — ranked by `ts_rank`, served by the GIN index of migration 0002 (no extension needed).
- SQLite (the embedded demo): every token must appear as a whole token (` token ` in the padded text).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_CHARS = 100  # a query is a few words; longer input is cut, never an error
MAX_TOKENS = 12
_WORD = re.compile(r"[\w\u3400-\u9fff]+")
_lock = threading.Lock()
_ready = False


def _jieba():
    """jieba, its dictionary loaded once per process (about a second), quietly."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def tokens(text: str) -> list[str]:
    """Search tokens of `text`: words and their sub-words, lower case, without punctuation, each once
    (in order of first appearance)."""
    seen: dict[str, None] = {}
    for chunk in _WORD.findall((text or "").lower()):
        for token in _jieba().cut_for_search(chunk):
            token = token.strip()
            if token and _WORD.fullmatch(token):
                seen.setdefault(token, None)
    return list(seen)


def index_text(parts: Iterable[str]) -> str:
    """What `Policy.search_text` stores: the tokens of every part, padded with spaces (SQLite match)."""
    found: dict[str, None] = {}
    for part in parts:
        for token in tokens(part):
            found.setdefault(token, None)
    return f" {' '.join(found)} " if found else ""


def query_tokens(query: str) -> list[str]:
    return tokens(query[:MAX_QUERY_CHARS])[:MAX_TOKENS]


def search(queryset: QuerySet, query: str) -> QuerySet:
    """`queryset` narrowed to the rows matching every token of `query`, best first on PostgreSQL."""
    terms = query_tokens(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        joined = " ".join(terms)
        vector = f"to_tsvector('simple', {table}.search_text)"
        # the id subquery keeps the @@ in a WHERE of its own, where the GIN index serves it
        matching = RawSQL(f"SELECT {table}.id FROM {table} WHERE {vector} @@ plainto_tsquery('simple', %s)", [joined])
        rank = RawSQL(f"ts_rank({vector}, plainto_tsquery('simple', %s))", [joined])
        return queryset.filter(pk__in=matching).annotate(rank=rank).order_by("-rank", "-issued_on", "pk")
    for term in terms:
        queryset = queryset.filter(search_text__contains=f" {term} ")
    return queryset
