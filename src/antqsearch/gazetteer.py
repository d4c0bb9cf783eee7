"""Legacy (63-province) Vietnamese administrative units, and the places a text names.

The units come from the ``vietnamadminunits`` package's SQLite data (table
``admin_units_legacy``), loaded lazily and once per process. ``find_mentions`` finds
place mentions ("xã Kim Quan", "huyện Yên Sơn", "TP. Tam Kỳ", "(Quan Sơn)"), each with
every unit it could denote; ``places.resolve_places`` weighs them.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path

from antqsearch.datafiles import data_lines
from antqsearch.text import capital_runs, index_term, iter_syllables

_PROVINCE, _DISTRICT, _WARD = "province", "district", "ward"

_PREFIX_RE = re.compile(
    r"(?<![\w'’])(?:(tỉnh|thành phố|quận|huyện|thị xã|thị trấn|xã|phường|đặc khu)(?![\w'’])"
    r"|(tp)(?:\.|(?![\w'’])))[ \t]*",
    re.IGNORECASE,
)
_NAME_TOKEN_RE = re.compile(r"[ \t]*([^\W_][\w'’]*(?:-[^\W_][\w'’]*)*|[-–](?=[ \t]+[^\W\d_]))")
_WORD_RE = re.compile(r"[^\W_][\w'’]*")
_PAREN_RE = re.compile(r"\(([^()\n]{2,80})\)")
_DISTRICT_TYPES = {"huyện": "Huyện", "quận": "Quận", "thị xã": "Thị xã", "thành phố": "Thành phố"}
_WARD_TYPES = {"xã": "Xã", "phường": "Phường", "thị trấn": "Thị trấn", "đặc khu": "Đặc khu"}
_NOT_BARE = frozenset({"hồ chí minh"})  # bare "Hồ Chí Minh" is the person, not the city


@dataclass(frozen=True)
class Place:
    """A legacy administrative unit, by short names: province, then district and ward."""

    province: str
    district: str | None = None
    ward: str | None = None


@dataclass(frozen=True)
class Mention:
    """A place named in a text, with every unit it could denote."""

    start: int
    end: int
    kind: str
    candidates: tuple[Place, ...]


@dataclass(frozen=True)
class Units:
    provinces: dict[str, Place]
    cities: frozenset[str]
    districts: dict[str, tuple[tuple[str, Place], ...]]
    wards: dict[str, tuple[tuple[str, Place], ...]]
    province_names: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def place_key(name: str) -> str:
    """The matching form of a place name: lower-case syllables, one tone convention.

    >>> place_key("Thanh Hoá"), place_key("Ea H’leo"), place_key("Bà Rịa - Vũng Tàu")
    ('thanh hóa', 'ea h leo', 'bà rịa vũng tàu')
    """
    return " ".join(index_term(s.text) for s in iter_syllables(name))


def short_name(short: str) -> str:
    """Drop the data's disambiguating suffix: "Kỳ Anh (Thị xã)" → "Kỳ Anh"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", short).strip()


def unit_key(short: str, unit_type: str | None) -> str:
    """The key a unit is found by after its type word; numbered units by their number.

    >>> unit_key("Phường 13", "Phường"), unit_key("Quận 1", "Quận"), unit_key("Yên Hoà", "Xã")
    ('13', '1', 'yên hòa')
    """
    if unit_type and short.lower().startswith(unit_type.lower() + " "):
        rest = short[len(unit_type) + 1 :]
        if rest.isdigit():
            return rest
    return place_key(short)


def dataset_path() -> Path:
    """Locate the package's SQLite data without importing it (its import pulls in pandas)."""
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Thiếu gói vietnamadminunits: pip install vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"


def _legacy_rows() -> list[tuple[str, ...]]:
    """Rows (province, provinceShort, districtShort, districtType, wardShort, wardType)."""
    uri = dataset_path().as_uri() + "?mode=ro"
    query = (
        "SELECT province, provinceShort, districtShort, districtType, wardShort, wardType"
        " FROM admin_units_legacy"
    )
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        return list(connection.execute(query))


def freeze_units(
    table: dict[str, list[tuple[str, Place]]],
) -> dict[str, tuple[tuple[str, Place], ...]]:
    """A lookup table made immutable, each key's units once, in first-seen order."""
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


@cache
def legacy_units() -> Units:
    """Build the lookup tables once per process."""
    provinces: dict[str, Place] = {}
    cities: set[str] = set()
    districts: dict[str, list[tuple[str, Place]]] = defaultdict(list)
    wards: dict[str, list[tuple[str, Place]]] = defaultdict(list)
    for full, p_short, d_short, d_type, w_short, w_type in _legacy_rows():
        provinces[place_key(p_short)] = Place(p_short)
        provinces[place_key(re.sub(r"^(Tỉnh|Thành phố)\s+", "", full))] = Place(p_short)
        if full.startswith("Thành phố"):
            cities.add(p_short)
        district = short_name(d_short)
        districts[unit_key(district, d_type)].append((d_type, Place(p_short, district)))
        if w_short:
            ward = short_name(w_short)
            wards[unit_key(ward, w_type)].append((w_type, Place(p_short, district, ward)))
    for line in data_lines("gazetteer_aliases.tsv"):
        alias, _, short = line.partition("\t")
        provinces[place_key(alias)] = Place(short.strip())
    names = tuple(sorted({p.province for p in provinces.values()}))
    return Units(provinces, frozenset(cities), freeze_units(districts), freeze_units(wards), names)


@cache
def _descriptors() -> tuple[str, ...]:
    return tuple(sorted(data_lines("gazetteer_descriptors.txt"), key=len, reverse=True))


def province_names() -> tuple[str, ...]:
    """The 63 legacy provinces' short names, sorted."""
    return legacy_units().province_names


def is_place_name(name: str) -> bool:
    """True when the name is a province, district or ward somewhere in the gazetteer."""
    key = place_key(name)
    g = legacy_units()
    return bool(key) and (key in g.provinces or key in g.districts or key in g.wards)


def _typed(entries: Sequence[tuple[str, Place]], unit_type: str | None) -> tuple[Place, ...]:
    """The places of the wanted type, or of any type when none has it (units get upgraded)."""
    typed = tuple(place for kind, place in entries if kind == unit_type)
    return typed or tuple(place for _, place in entries)


def _lookup(g: Units, key: str, prefix: str) -> tuple[str, tuple[Place, ...]] | None:
    """Candidates for a name after a unit-type prefix, with the mention's kind."""
    if prefix == "tỉnh":
        return (_PROVINCE, (g.provinces[key],)) if key in g.provinces else None
    if prefix in _WARD_TYPES:
        found = _typed(g.wards.get(key, ()), _WARD_TYPES[prefix])
        return (_WARD, found) if found else None
    found = _typed(g.districts.get(key, ()), _DISTRICT_TYPES[prefix])
    if prefix == "thành phố" and key in g.provinces:
        province = g.provinces[key]
        if province.province in g.cities:
            found = (province, *found)
    return (_DISTRICT, found) if found else None


def _name_spans(text: str, pos: int, limit: int = 6) -> list[tuple[int, int]]:
    """Spans of the capitalised (or numeric) words that start at pos: a place name's words."""
    spans: list[tuple[int, int]] = []
    while len(spans) < limit:
        match = _NAME_TOKEN_RE.match(text, pos)
        if not match:
            break
        token = match.group(1)
        if not (token[0].isupper() or token[0].isdigit() or (spans and token[0] in "-–")):
            break
        spans.append(match.span(1))
        pos = match.end()
    while spans and text[spans[-1][0]] in "-–":
        spans.pop()
    return spans


def _skip_descriptors(text: str, pos: int) -> int:
    """Skip words such as "miền núi" between a unit type and its name."""
    for descriptor in _descriptors():
        if text.startswith(descriptor + " ", pos):
            return pos + len(descriptor) + 1
    return pos


def _longest_match(
    g: Units, text: str, spans: list[tuple[int, int]], prefix: str
) -> tuple[int, int, str, tuple[Place, ...]] | None:
    """The longest run of name words that the gazetteer knows after this prefix."""
    for count in range(len(spans), 0, -1):
        start, end = spans[0][0], spans[count - 1][1]
        found = _lookup(g, place_key(text[start:end]), prefix)
        if found:
            return start, end, found[0], found[1]
    return None


def _prefixed_mentions(g: Units, text: str) -> Iterator[Mention]:
    """Mentions introduced by a unit type: "xã Kim Quan", "TP. Tam Kỳ", "tỉnh Hải Dương"."""
    for match in _PREFIX_RE.finditer(text):
        prefix = (match.group(1) or "thành phố").lower()
        pos = _skip_descriptors(text, match.end())
        found = _longest_match(g, text, _name_spans(text, pos), prefix)
        if found:
            yield Mention(*found)


def _paren_mentions(g: Units, text: str) -> Iterator[Mention]:
    """Bare districts or provinces in parentheses: "(Quan Sơn)", "(Yên Sơn, Tuyên Quang)"."""
    for match in _PAREN_RE.finditer(text):
        offset = match.start(1)
        for part in re.finditer(r"[^,;]+", match.group(1)):
            key = place_key(part.group())
            found = tuple(place for _, place in g.districts.get(key, ()))
            if key in g.provinces:
                found = (g.provinces[key], *found)
            if found and part.group().strip()[:1].isupper():
                start, end = offset + part.start(), offset + part.end()
                # A province alone in brackets labels something else ("THCS Nam Trung Yên
                # (Hà Nội)"): it counts as a bare mention, a district as a district.
                kind = _DISTRICT if key in g.districts else "bare"
                yield Mention(start, end, kind, found)


def _capitalised_runs(text: str) -> Iterator[tuple[int, int]]:
    """Maximal runs of capitalised words separated by spaces (candidate bare names)."""
    for run in capital_runs(text, _WORD_RE, (" ", " - ")):
        yield run[0].start(), run[-1].end()


def _bare_province_mentions(g: Units, text: str, taken: set[int]) -> Iterator[Mention]:
    """Province names standing alone ("Công an Hà Nội"), weighted low."""
    provinces = g.provinces
    for start, end in _capitalised_runs(text):
        key = place_key(text[start:end])
        if start not in taken and key in provinces and key not in _NOT_BARE:
            yield Mention(start, end, "bare", (provinces[key],))


def find_mentions(text: str, units: Units | None = None) -> list[Mention]:
    """Every place mention in the text, in order (legacy units unless others are given)."""
    g = units or legacy_units()
    mentions = list(_prefixed_mentions(g, text)) + list(_paren_mentions(g, text))
    taken = {m.start for m in mentions}
    mentions += _bare_province_mentions(g, text, taken)
    mentions = [m for m in mentions if not _after_institution(text, m)]
    return _without_lists(text, sorted(mentions, key=lambda m: m.start))


_UNIT_TAIL_RE = re.compile(r"(?:tỉnh|thành phố|tp\.?)\s*$", re.IGNORECASE)
_LIST_GAP_RE = re.compile(
    r"\s*(?:,|;|và|-|–)\s*(?:(?:tỉnh|thành phố|tp\.?)\s*)?$", re.IGNORECASE)
_LIST_MIN = 3  # provinces named in one list: a national meeting, not the event's place


@cache
def _institution_re() -> re.Pattern[str]:
    words = sorted(data_lines("gazetteer_institutions.txt"), key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?<!\w)(?:{body})\s*$")


def _after_institution(text: str, mention: Mention) -> bool:
    """A place that names a court, a newspaper or a university ("TAND TP.HCM", "Pháp Luật
    TP.HCM"), not where the event is."""
    before = _UNIT_TAIL_RE.sub("", text[max(0, mention.start - 40) : mention.start])
    return bool(_institution_re().search(before))


def _is_province(mention: Mention) -> bool:
    return all(place.district is None and place.ward is None for place in mention.candidates)


def _without_lists(text: str, mentions: list[Mention]) -> list[Mention]:
    """Drop provinces named in a list of several ("TP HCM, Đà Nẵng, Khánh Hòa…")."""
    dropped: set[int] = set()
    run: list[int] = []
    for index, mention in enumerate(mentions):
        if run and _is_province(mention) and _LIST_GAP_RE.fullmatch(
                text, mentions[run[-1]].end, mention.start):
            run.append(index)
            continue
        dropped.update(_long_list(mentions, run))
        run = [index] if _is_province(mention) else []
    dropped.update(_long_list(mentions, run))
    return [m for i, m in enumerate(mentions) if i not in dropped]


def _long_list(mentions: list[Mention], run: list[int]) -> list[int]:
    provinces = {mentions[i].candidates[0].province for i in run}
    return run if len(provinces) >= _LIST_MIN else []
