"""Where an article takes place: the place mentions of a text weighed against each other.

``resolve_places`` scores candidate (province, district, ward) triples so that mentions
which agree reinforce each other and a province named in passing does not win.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from antqsearch.gazetteer import Mention, Place, Units, find_mentions, legacy_units

# How much one mention of each kind counts; the ward is the most specific evidence.
_WEIGHTS = {"province": 1.0, "district": 1.5, "ward": 2.0, "bare": 0.5}
_LEAD_CHARS = 500  # mentions in the title and lead paragraph count double
# A district (or ward) is reported only when it beats the runner-up by this factor. A round-up
# of several localities (seed 001: phường Hoàng Tiến, TP Chí Linh and phường Tân Bình, TP Hải
# Dương, equally) then gets its province only: a facet value for one district would be wrong.
_DOMINANCE = 1.5
_ROUNDS = 3  # rounds of re-sharing ambiguous mentions by the evidence of the others


def _weight(mention: Mention) -> float:
    lead = 2.0 if mention.start < _LEAD_CHARS else 1.0
    return _WEIGHTS[mention.kind] * lead


_Evidence = tuple[dict[str, float], dict[tuple[str, str], float], dict[Place, float]]


def _aggregate(mentions: Sequence[Mention], shares: Sequence[Sequence[float]]) -> _Evidence:
    """Sum the evidence of the mentions for each province, district and ward."""
    provinces: dict[str, float] = defaultdict(float)
    districts: dict[tuple[str, str], float] = defaultdict(float)
    wards: dict[Place, float] = defaultdict(float)
    for mention, mention_shares in zip(mentions, shares, strict=True):
        weight = _weight(mention)
        for place, share in zip(mention.candidates, mention_shares, strict=True):
            provinces[place.province] += weight * share
            if place.district:
                districts[(place.province, place.district)] += weight * share
            if place.ward:
                wards[place] += weight * share
    return provinces, districts, wards


def _reshare(mention: Mention, evidence: _Evidence) -> list[float]:
    """Spread a mention over its candidates in proportion to the other evidence for them."""
    provinces, districts, _ = evidence
    raw = [
        (provinces.get(p.province, 0.0) + 0.1)
        * (1.0 + districts.get((p.province, p.district), 0.0) if p.district else 1.0)
        for p in mention.candidates
    ]
    total = sum(raw)
    return [value / total for value in raw]


def _dominant(scores: Iterable[tuple[float, int, str]]) -> str | None:
    """The best-scoring name if it clearly beats the runner-up (ties → earliest mention)."""
    ranked = sorted(scores, key=lambda item: (-item[0], item[1]))
    if not ranked or ranked[0][0] <= 0:
        return None
    if len(ranked) > 1 and ranked[0][0] < _DOMINANCE * ranked[1][0]:
        return None
    return ranked[0][2]


def _first_positions(mentions: Sequence[Mention]) -> dict[object, int]:
    """Where each province, (province, district) and ward is first mentioned."""
    first: dict[object, int] = {}
    for mention in mentions:
        for place in mention.candidates:
            first.setdefault(place.province, mention.start)
            first.setdefault((place.province, place.district), mention.start)
            first.setdefault(place, mention.start)
    return first


def _same_rank(a: str, b: str, scores: dict[str, float], first: dict[object, int]) -> bool:
    return abs(scores[a] - scores[b]) < 1e-9 and first.get(a) == first.get(b)


def _choose(mentions: Sequence[Mention], evidence: _Evidence, by_ward: bool) -> Place | None:
    """Pick the province with most evidence, then a clearly dominant district and ward in it."""
    provinces, districts, wards = evidence
    if not provinces:
        return None
    first = _first_positions(mentions)
    ranked = sorted(provinces, key=lambda p: (-round(provinces[p], 9), first.get(p, 0)))
    province = ranked[0]
    if len(ranked) > 1 and _same_rank(ranked[0], ranked[1], provinces, first):
        return None  # e.g. a lone "xã Kim Quan": Hà Nội or Tuyên Quang, nothing to tell
    district = _dominant(
        (score, first.get(key, 0), key[1]) for key, score in districts.items() if key[0] == province
    )
    ward = None
    if district or by_ward:  # units without districts (2025): the ward of the province
        ward = _dominant(
            (score, first.get(place, 0), place.ward or "")
            for place, score in wards.items()
            if place.province == province and place.district == district
        )
    return Place(province, district, ward or None)


def resolve_places(text: str, units: Units | None = None) -> Place | None:
    """The most likely (province, district, ward) where the article's event takes place.

    >>> resolve_places("Sáng 19-7, thị trấn Sơn Lư (Quan Sơn) tổ chức ngày hội.")
    Place(province='Thanh Hóa', district='Quan Sơn', ward='Sơn Lư')
    """
    g = units or legacy_units()
    mentions = find_mentions(text, g)
    if not mentions:
        return None
    shares: list[list[float]] = [[1.0 / len(m.candidates)] * len(m.candidates) for m in mentions]
    for _ in range(_ROUNDS):
        evidence = _aggregate(mentions, shares)
        shares = [_reshare(m, evidence) for m in mentions]
    return _choose(mentions, _aggregate(mentions, shares), by_ward=not g.districts)
