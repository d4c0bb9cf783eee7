"""Deterministic, realistic queries over the synthetic corpus (bench/synth.py).

What readers type: topical keywords of 1–4 syllables, n-grams of the articles' own
sentences, officials' names (bare or quoted), quoted phrases, place names alone or with a
keyword, a few typos, and the landing page (no query, a facet chosen). About a third are
typed without diacritics (folded with the same function as the search service), and about
a fifth carry a province or year filter, as a click on a facet adds. Each query is also
translated to SQLite FTS5 syntax for the peer.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

import synth

from antqsearch.segment import segment
from antqsearch.text import fold_diacritics, iter_syllables

TOPICAL = (
    "an ninh", "camera", "ngày hội", "ANTQ", "an ninh trật tự", "ANTT", "tự quản",
    "phòng cháy chữa cháy", "PCCC", "tội phạm", "Giấy khen", "Bằng khen", "mô hình",
    "cựu chiến binh", "khu dân cư", "tổ liên gia", "thế trận lòng dân", "đại đoàn kết",
    "Công an tỉnh", "Tỉnh ủy", "UBND", "chào cờ", "cồng chiêng", "bóng chuyền",
    "gia đình chính sách", "trường học an toàn", "tố giác tội phạm", "hòm thư góp ý",
    "nông thôn mới", "tệ nạn xã hội", "camera an ninh", "an toàn giao thông",
    "bảo vệ an ninh Tổ quốc", "ngày hội toàn dân", "MTTQ", "HĐND", "khen thưởng",
    "giữ gìn an ninh", "phong trào", "nhân rộng mô hình",
)
TYPOS = (
    "an nin trat tu", "camrea an ninh", "ngay hoi toan dan", "phong tráo", "bảo vẹ an ninh",
    "to lien gia", "tu quan", "giây khen", "cong an tinh", "ANTQ nam",
)


@dataclass(frozen=True)
class Query:
    """One search: text, facet selections and what kind of query it is."""

    text: str
    province: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    kind: str = ""

    def label(self) -> str:
        facets = [f"province={p}" for p in self.province] + [f"year={y}" for y in self.year]
        shown = f"`{self.text}`"
        return " ".join([shown if self.text else "(no query)", *facets])


def _syllables(sentence: str) -> list[str]:
    return [s.text for s in iter_syllables(sentence)]


def _ngram(rng: random.Random, sentences: Sequence[str], size: int) -> str:
    """Whole words (as pyvi segments them) of a sentence, about ``size`` syllables (≤ 4)."""
    while True:
        words = [w for w in segment(rng.choice(sentences)) if not w.text[0].isdigit()]
        if not words:
            continue
        start = rng.randrange(len(words))
        gram: list[str] = []
        count = 0
        for word in words[start:]:
            if count + word.syllables > 4:
                break
            gram.append(word.text)
            count += word.syllables
            if count >= size:
                break
        if gram and count >= min(size, 2) and len(gram[0]) > 1:
            return " ".join(gram)


def make_queries(count: int = 220, seed: int = synth.SEED,
                 articles: Sequence[synth.Truth] = ()) -> list[Query]:
    """``count`` queries (at least 200), the same for the same seed and articles."""
    rng = random.Random(f"{seed}:queries")
    pool = synth.load_pool()
    sentences = [synth._filler(_sample_values(rng, seed))(s) for s in pool.sentences]
    provinces = [group[0].province for group in synth.places()]
    texts: list[tuple[str, str]] = []
    share = count / 220
    texts += [(t, "keyword") for t in TOPICAL[: round(40 * share)]]
    for _ in range(round(76 * share)):
        texts.append((_ngram(rng, sentences, rng.choice((1, 2, 2, 3, 3, 4))), "ngram"))
    for _ in range(round(35 * share)):
        official = rng.choice(synth.roster(seed, rng.randrange(len(provinces))))
        name = official.name
        texts.append((f'"{name}"' if rng.random() < 0.5 else name, "name"))
    for _ in range(round(30 * share)):
        texts.append((f'"{_ngram(rng, sentences, rng.choice((2, 3, 4)))}"', "phrase"))
    for _ in range(round(25 * share)):
        province = rng.choice(provinces)
        if len(province.split()) <= 2 and rng.random() < 0.6:
            keyword = rng.choice(("camera", "ngày hội", "ANTQ", "an ninh", "Công an"))
            texts.append((f"{keyword} {province}", "place"))
        else:
            texts.append((province, "place"))
    texts += [(t, "typo") for t in TYPOS[: round(10 * share)]]
    while len(texts) < count - 4:
        texts.append((_ngram(rng, sentences, 2), "ngram"))
    texts += [("", "browse")] * (count - len(texts))
    queries = []
    chosen = list(articles) or None
    for text, kind in texts:
        if text and kind != "typo" and rng.random() < 0.33:
            text, kind = fold_diacritics(text), f"{kind}, no diacritics"
        province: tuple[str, ...] = ()
        year: tuple[str, ...] = ()
        if kind == "browse" or rng.random() < 0.2:
            source = rng.choice(chosen) if chosen else None
            pick = rng.random()
            if pick < 0.5 or kind == "browse":
                province = (source.province if source else rng.choice(provinces),)
            if pick >= 0.35:
                year = (str(source.year if source else rng.choice(synth.YEARS)),)
            kind += " + facet"
        queries.append(Query(text, province, year, kind))
    return queries


def _sample_values(rng: random.Random, seed: int) -> dict[str, str]:
    group = rng.choice(synth.places())
    place = rng.choice(group)
    cast = synth.roster(seed, synth.places().index(group))
    year = rng.choice(synth.YEARS)
    return synth._values(rng, place, cast, year, synth._date(rng, year))


# ------------------------------------------------------------------------------- FTS5

_QUOTED_RE = re.compile(r'"([^"]*)"?|(\S+)')


def fts5_match(text: str) -> str | None:
    """The query in FTS5 syntax: each word quoted (AND), phrases as "a b"; None if empty."""
    parts = []
    for match in _QUOTED_RE.finditer(text):
        phrase = match.group(1)
        words = _syllables(phrase if phrase is not None else match.group(2))
        if not words:
            continue
        if phrase is not None:
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w}"' for w in words)
    return " ".join(parts) or None
