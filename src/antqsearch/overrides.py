"""An operator's corrections of extracted metadata, from a sidecar file next to an article.

The sidecar (``ARTICLE.meta.json``) names any field of :class:`metadata.ArticleMeta` but
the derived ones; each value is checked and normalised, and fields that depend on each
other (date and year, the province and its 2025 and legacy provinces) are kept in step.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping

from antqsearch.dates import iso
from antqsearch.gazetteer import Place, place_key, province_names
from antqsearch.merger import legacy_province, province_2025, provinces_2025
from antqsearch.metadata import ArticleMeta

_OPTIONAL_TEXT = ("date", "province", "province_2025", "district", "ward", "author")
# Derived, never given by an operator.
_NOT_CORRECTIONS = frozenset({"warnings", "province_legacy", "officials_at_event", "lead_chars"})


def _override_value(key: str, value: object) -> object:
    """Check and normalise one operator correction."""
    if key == "officials":
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise ValueError("officials: cần một danh sách tên (list of names)")
        cleaned = (unicodedata.normalize("NFC", n).strip() for n in names)
        return tuple(dict.fromkeys(n for n in cleaned if n))
    if key == "year":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"year: cần một số nguyên, không phải {value!r}")
        return value
    if value is None and key in _OPTIONAL_TEXT:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key}: cần một chuỗi, không phải {value!r}")
    value = unicodedata.normalize("NFC", value).strip()
    if key == "date" and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise ValueError(f"date: cần dạng YYYY, YYYY-MM hoặc YYYY-MM-DD, không phải {value!r}")
    if key == "province":
        return _canonical_province(value, province_names())
    if key == "province_2025":
        return _canonical_province(value, provinces_2025())
    return value


def _canonical_province(value: str, names: tuple[str, ...]) -> str:
    """The gazetteer's spelling of a province ("Thanh Hoá" → "Thanh Hóa")."""
    for name in names:
        if place_key(name) == place_key(value):
            return name
    if len(names) > 40:
        raise ValueError(f"province: {value!r} không thuộc 63 tỉnh, thành phố (trước 7/2025) "
                         "hay 34 tỉnh, thành phố (từ 7/2025)")
    raise ValueError(f"province_2025: {value!r} không thuộc 34 tỉnh, thành phố (từ 7/2025)")


def _provinces_agree(meta: ArticleMeta, changes: dict[str, object]) -> None:
    """A corrected province brings its 2025 and legacy provinces along, unless given."""
    province = changes.get("province", meta.province)
    if "province" in changes:
        after = bool(meta.date) and str(meta.date) >= "2025-07"
        current = province_2025(province) if isinstance(province, str) else None
        changes.setdefault("province_2025", current)
        legacy = province if not after else (
            legacy_province(Place(province)) if isinstance(province, str) else None)
        changes["province_legacy"] = legacy
    new = changes.get("province_2025", meta.province_2025)
    legacy = changes.get("province_legacy", meta.province_legacy)
    if isinstance(legacy, str) and province_2025(legacy) != new:
        changes["province_legacy"] = legacy_province(Place(new)) if isinstance(new, str) else None


def apply_overrides(meta: ArticleMeta, overrides: Mapping[str, object]) -> ArticleMeta:
    """Apply an operator's corrections (from a sidecar JSON file) to extracted metadata.

    >>> m = ArticleMeta("T", "B", "2023-07-19", 2023, None, None, None, (), None)
    >>> apply_overrides(m, {"year": 2022, "officials": ["Nguyễn Văn Thi"]}).date
    '2022'
    """
    fields = {f.name for f in dataclasses.fields(ArticleMeta)} - _NOT_CORRECTIONS
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(
            f"Trường không hợp lệ (unknown field): {', '.join(unknown)}; "
            f"các trường hợp lệ: {', '.join(sorted(fields))}"
        )
    changes = {key: _override_value(key, value) for key, value in overrides.items()}
    date, year = changes.get("date", meta.date), changes.get("year", meta.year)
    if "date" in changes and "year" not in changes:
        year = int(date[:4]) if isinstance(date, str) else None
    elif "year" in changes and "date" not in changes and isinstance(date, str) \
            and date[:4] != str(year):
        date = iso(year) if isinstance(year, int) and year > 0 else None
    elif isinstance(date, str) and date[:4] != str(year):
        raise ValueError(f"date {date!r} và year {year!r} không khớp nhau (inconsistent)")
    if isinstance(date, str) and not _valid_iso(date):
        raise ValueError(f"date: {date!r} không phải một ngày có thật")
    changes.update(date=date, year=year)
    if "officials" in changes:  # the operator's list: every one of them at the event
        changes["officials_at_event"] = changes["officials"]
    _provinces_agree(meta, changes)
    return dataclasses.replace(meta, **changes)  # type: ignore[arg-type]


def _valid_iso(date: str) -> bool:
    parts = [int(p) for p in date.split("-")]
    return iso(*parts) == date
