"""Provinces across the 1 July 2025 merger: 63 legacy provinces → 34, districts removed.

The 2025 units (table ``admin_units``) and the conversion (``converter_2025.json``) come
from the ``vietnamadminunits`` package's data files, read directly and once per process.
The merger joined whole provinces, so legacy → 2025 is a function on provinces; a 2025
commune or ward is traced back to the legacy communes it was made of, hence to its legacy
province when they all lay in one ("xã Chí Minh, thành phố Hải Phòng" → Hải Dương).

``places_at`` gives an article's province as it names it at its date (legacy before
1 July 2025, 2025 after), its 2025 province, and its legacy province.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from functools import cache

from antqsearch.datafiles import data_lines
from antqsearch.gazetteer import (
    Place,
    Units,
    dataset_path,
    find_mentions,
    freeze_units,
    legacy_units,
    place_key,
    short_name,
    unit_key,
)
from antqsearch.places import resolve_places

MERGER_DATE = "2025-07-01"
_DISTRICT_WORDS = re.compile(r"(?<!\w)(?:huyện|quận|thị xã)\s+[A-ZĐ0-9]", re.IGNORECASE)
_WARD_WORDS = re.compile(r"(?<!\w)(?:[xX]ã|[pP]hường|[đĐ]ặc khu)\s+[A-ZĐ0-9]")


@dataclass(frozen=True)
class _Conversion:
    to_2025: dict[str, str]  # legacy province → its 2025 province (short names)
    legacy_of_ward: dict[tuple[str, str], frozenset[str]]  # (2025 province, ward) → legacy
    parts: dict[str, frozenset[str]]  # 2025 province → the legacy provinces it joined


def _rows(query: str) -> list[tuple[str, ...]]:
    uri = dataset_path().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        return list(connection.execute(query))


@cache
def _conversion() -> _Conversion:
    """The legacy → 2025 tables, built once per process."""
    legacy: dict[str, str] = {key: short for key, short in _rows(
        "SELECT DISTINCT provinceKey, provinceShort FROM admin_units_legacy")}
    new: dict[str, str] = {key: short for key, short in _rows(
        "SELECT DISTINCT provinceKey, provinceShort FROM admin_units")}
    wards = {(p, w): short for p, w, short in _rows(
        "SELECT provinceKey, wardKey, wardShort FROM admin_units")}
    with open(dataset_path().with_name("converter_2025.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    to_2025 = {legacy[old]: new[key] for key, olds in data["DICT_PROVINCE"].items()
               for old in olds}
    traced: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, by_ward in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in by_ward.items():
            for old in olds:
                traced[(key, ward)].add(legacy[old.split("_")[0]])
    for key, by_old in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, pieces in by_old.items():
            for part in pieces:
                traced[(key, part["newWardKey"])].add(legacy[old.split("_")[0]])
    legacy_of_ward = {(new[p], short_name(wards[(p, w)])): frozenset(olds)
                      for (p, w), olds in traced.items() if (p, w) in wards}
    joined: dict[str, set[str]] = defaultdict(set)
    for old, current in to_2025.items():
        joined[current].add(old)
    return _Conversion(to_2025, legacy_of_ward, {k: frozenset(v) for k, v in joined.items()})


def province_2025(province: str | None) -> str | None:
    """The 2025 province of a legacy province (a 2025 name is its own).

    >>> province_2025("Hải Dương"), province_2025("Phú Yên"), province_2025("Thanh Hóa")
    ('Hải Phòng', 'Đắk Lắk', 'Thanh Hóa')
    """
    return _conversion().to_2025.get(province or "")


def provinces_2025() -> tuple[str, ...]:
    """The 34 provinces since 1 July 2025, sorted."""
    return tuple(sorted(set(_conversion().to_2025.values())))


def legacy_province(place: Place) -> str | None:
    """The legacy province of a 2025 place, when it lay in one (else None).

    >>> legacy_province(Place("Hải Phòng", None, "Chí Minh"))
    'Hải Dương'
    """
    conversion = _conversion()
    parts = conversion.parts.get(place.province, frozenset())
    if place.ward:
        parts = conversion.legacy_of_ward.get((place.province, place.ward), parts)
    return next(iter(parts)) if len(parts) == 1 else None


@cache
def units_2025() -> Units:
    """The 2025 units for ``resolve_places``: 34 provinces (a legacy province's name stands
    for its 2025 province), their communes and wards, no districts."""
    provinces: dict[str, Place] = {}
    cities: set[str] = set()
    wards: dict[str, list[tuple[str, Place]]] = defaultdict(list)
    rows = _rows("SELECT province, provinceShort, wardShort, wardType FROM admin_units")
    for full, p_short, w_short, w_type in rows:
        if full.startswith("Thành phố"):
            cities.add(p_short)
        ward = short_name(w_short)
        wards[unit_key(ward, w_type)].append((w_type, Place(p_short, None, ward)))
    for key, place in legacy_units().provinces.items():
        current = province_2025(place.province)
        if current:
            provinces[key] = Place(current)
    for line in data_lines("gazetteer_aliases.tsv"):
        alias, _, short = line.partition("\t")
        current = province_2025(short.strip())
        if current:
            provinces[place_key(alias)] = Place(current)
    names = tuple(sorted({p.province for p in provinces.values()}))
    return Units(provinces, frozenset(cities), {}, freeze_units(wards), names)


@dataclass(frozen=True)
class Places:
    """Where an article takes place, in both divisions of the country."""

    place: Place | None  # as the article names it at its date (district only before 2025)
    province_2025: str | None
    province_legacy: str | None


def _era_by_date(date: str | None) -> bool | None:
    """True after the merger, False before, None when the date does not tell."""
    if not date or date == MERGER_DATE[:4]:
        return None
    return date >= MERGER_DATE[: len(date)] if len(date) >= 7 else date > MERGER_DATE[:4]


def _names_a_gone_province(text: str) -> bool:
    """The text names a province that the merger removed ("tỉnh Hải Dương")."""
    current = set(provinces_2025())
    return any(m.kind in ("province", "bare") and all(p.province not in current
                                                      for p in m.candidates)
               for m in find_mentions(text))


def _names_2025_units(text: str, legacy: Place | None, new: Place | None) -> bool:
    """Undated: a 2025 commune or ward found where the legacy units do not explain it, and
    no district (gone since the merger) or removed province named."""
    if new is None or new.ward is None:
        return False
    if legacy is not None and (legacy.province, legacy.ward) == (new.province, new.ward):
        return False
    return not (_DISTRICT_WORDS.search(text) or _names_a_gone_province(text))


_OPENING = 300  # characters of the title and lead that tell where the event is


@cache
def _abroad_re() -> re.Pattern[str]:
    names = sorted(data_lines("gazetteer_abroad.txt"), key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
    return re.compile(rf"(?<!\w)(?:tại|ở|sang|thăm|đến)\s+(?:thủ đô\s+|nước\s+)?(?:{body})"
                      r"(?![\w])")


def event_abroad(text: str) -> bool:
    """The title or lead places the event in another country ("… tại Lào")."""
    lines = text.lstrip().split("\n", 1)
    lead = lines[1].lstrip()[:_OPENING] if len(lines) > 1 else ""
    first = re.split(r"[.!?](?:\s|$)|\n", lead, maxsplit=1)[0]
    return bool(_abroad_re().search(f"{lines[0]}\n{first}"))


def places_at(text: str, date: str | None) -> Places:
    """The article's place as named at its date, its 2025 province and its legacy province.

    >>> places_at("Sáng 5/8, xã Chí Minh, thành phố Hải Phòng tổ chức ngày hội.", None)
    Places(place=Place(province='Hải Phòng', district=None, ward='Chí Minh'), \
province_2025='Hải Phòng', province_legacy='Hải Dương')
    """
    if event_abroad(text):
        return Places(None, None, None)
    legacy = resolve_places(text)
    after = _era_by_date(date)
    wards_named = after or (after is None and _WARD_WORDS.search(text))
    new = resolve_places(text, units_2025()) if wards_named else None
    if new is not None and (after or _names_2025_units(text, legacy, new)):
        return Places(new, new.province, legacy_province(new))
    if legacy is None:
        return Places(None, None, None)
    current = province_2025(legacy.province)
    if after and current:  # legacy names in an article after the merger: its 2025 province
        return Places(Place(current), current, legacy.province)
    return Places(legacy, current, legacy.province)
