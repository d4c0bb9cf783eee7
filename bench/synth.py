"""A deterministic synthetic corpus made from the paragraphs and sentences of ``corpus/``.

    python bench/synth.py --articles 10000 --out bench/.work/corpus-10000 [--seed 7]

Every article is rebuilt from the real articles' paragraphs (whole, or re-assembled from
their sentences) with the places, officials, dates and years varied: the place names in
the originals (found with the gazetteer, as the metadata extractor finds them) and the
officials' names (found with the officials extractor) become slots, filled for each
article with a legacy (province, district, ward) triple from the same gazetteer data, a
year 2015–2025 and people from a per-province roster of generated Vietnamese names with
their titles. Each article has a headline, a dateline in one of the forms the extractor
reads ("Sáng 19-8" with "năm 2023", a "Thứ Hai 22/08/2022 10:11" line, or a
"date 2023-08" marker), 500–900 words and a byline. Article ``i`` depends only on the
seed and ``i``, so the first 1,000 of a 10,000-article corpus are the 1,000-article corpus.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from antqsearch.corpus import read_article
from antqsearch.gazetteer import find_mentions, is_place_name
from antqsearch.metadata import extract_metadata
from antqsearch.officials import find_officials

REPO = Path(__file__).resolve().parent.parent
SEED = 7
YEARS = tuple(range(2015, 2026))
MIN_WORDS, MAX_WORDS = 500, 900

# ------------------------------------------------------------------------------- names

SURNAMES = (  # (surname, weight): roughly the frequencies of Vietnamese surnames
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1),
    ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Lương", 1), ("Mai", 1),
)
MIDDLE_NAMES = (
    "Văn", "Văn", "Văn", "Thị", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Ngọc", "Xuân",
    "Công", "Đình", "Trọng", "Anh", "Hồng", "Quang", "Thế", "Tuấn", "Mạnh", "Kim", "Bá",
)
GIVEN_NAMES = (
    "Hùng", "Dũng", "Thi", "Hưng", "Lan", "Hà", "Tuấn", "Nam", "Sơn", "Long", "Thắng", "Bình",
    "Hải", "Quân", "Phong", "Tâm", "Hòa", "Thành", "Cường", "Trung", "Việt", "Hiếu", "Vinh",
    "Tú", "Hạnh", "Hương", "Mai", "Thủy", "Điệp", "Khánh", "Toàn", "Thường", "Lâm", "Phúc",
    "Quý", "Nghĩa", "Đạt", "Kiên", "Tùng", "Huy", "Thảo", "Yến", "Nhung", "Linh", "Trí",
    "Hoàn", "Chiến", "Thịnh", "Tiến", "Lực", "Xuân", "Giang", "Đông", "Bắc", "Tài",
)
# (title before the name, title after it, "tỉnh"-level): {unit} is "tỉnh" or "thành phố".
ROLES = (
    ("Chủ tịch UBND {unit}", None),
    ("Phó Chủ tịch UBND {unit}", None),
    ("Phó Chủ tịch Thường trực UBND {unit}", None),
    ("Bí thư {party}", None),
    ("Phó Bí thư Thường trực {party}", None),
    ("Đại tá", "Giám đốc Công an {unit}"),
    ("Đại tá", "Phó Giám đốc Công an {unit}"),
    ("Thiếu tướng", "Giám đốc Công an {unit}"),
    ("Thượng tá", "Trưởng Công an {district_full}"),
    ("Chủ tịch UBND {district_full}", None),
)
DAYPARTS = ("Sáng", "Sáng", "Chiều", "Tối")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

HEADLINES = (
    "{Ward_full} tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm {year}",
    "{Title0} {P0} dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc tại {ward_full}",
    "Sôi nổi Ngày hội toàn dân bảo vệ ANTQ ở {ward_full}, {district_full}",
    "{Province}: {ward_full} tổ chức ngày hội điểm toàn dân bảo vệ ANTQ",
    "Ngày hội “Toàn dân bảo vệ an ninh Tổ quốc” năm {year} tại {district_full}",
    "{Title0} {P0} chung vui Ngày hội toàn dân bảo vệ ANTQ với Nhân dân {ward_full}",
    "Nhân rộng mô hình tự quản về an ninh trật tự tại {ward_full}",
    "{District_full} biểu dương tập thể, cá nhân tiêu biểu trong phong trào bảo vệ ANTQ",
)
INTROS = (
    "{Daypart} {d}-{m}, {ward_full} ({district}) đã tổ chức “Ngày hội toàn dân bảo vệ an "
    "ninh Tổ quốc năm {year}”. Dự ngày hội có đồng chí {P0}, {Role0}; đại diện lãnh đạo "
    "{district_full}, cùng đông đảo cán bộ, Nhân dân trên địa bàn {ward_full}.",
    "{Daypart} {d}/{m}, {ward_full}, {district_full} tổ chức ngày hội toàn dân bảo vệ an ninh "
    "Tổ quốc năm {year}. Đây là địa phương tổ chức ngày hội điểm để nhân rộng phong trào "
    "trong toàn {unit}. {Named0} cùng đại diện các sở, ngành liên quan tham dự ngày hội.",
    "{Daypart} {d}-{m}, trong không khí phấn khởi, {ward_full}, {district_full}, "
    "{province_full} long trọng tổ chức Ngày hội “Toàn dân bảo vệ an ninh Tổ quốc” năm "
    "{year}. Tham dự có {named0}; {named1}.",
)
EXTRAS = (
    "Phát biểu tại ngày hội, {named0} đánh giá cao kết quả phong trào toàn dân bảo vệ an ninh "
    "Tổ quốc của {ward_full} trong năm {year}.",
    "Dịp này, {named1} trao tặng Giấy khen cho các tập thể, cá nhân có thành tích xuất sắc.",
    "{Named1} đề nghị cấp ủy, chính quyền {ward_full} tiếp tục nhân rộng các mô hình tự "
    "quản về an ninh trật tự, giữ vững bình yên trên địa bàn {district_full}.",
)
BYLINES = ("{name}", "{name}", "{name}", "Thực hiện: {name}", "Bài và ảnh: {name}",
           "Tin, ảnh: {name}")

_YEAR_RANGE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*([–-])\s*((?:19|20)\d{2})(?!\d)")
_YEAR_RE = re.compile(r"(?<![\d/-])(?:19|20)\d{2}(?!\d)")
_DAY_MONTH_RE = re.compile(r"(?<![\d/.])(\d{1,2})([-/])(\d{1,2})(?:[-/.](?:19|20)\d{2})?(?![\d/])")
_MONTH_YEAR_RE = re.compile(r"tháng (\d{1,2})[./](\{year\})")
_PREFIX_BEFORE_RE = re.compile(
    r"(thị trấn|xã|phường|huyện|quận|thị xã|thành phố|tỉnh|TP\.?)\s*$", re.IGNORECASE
)
_SENTENCE_RE = re.compile(r"(?<=[.!?…])[”\"’)]*\s+(?=[“\"(]?[A-ZĐÀ-Ỹ])")
_SLOT_RE = re.compile(r"\{(\w+)\}")


# ------------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Place:
    province: str
    province_full: str  # "tỉnh Thanh Hóa" / "thành phố Hà Nội"
    city: bool  # a centrally governed city: "thành phố", "Thành ủy"
    district: str
    district_type: str  # "huyện", "quận", "thị xã", "thành phố"
    ward: str
    ward_type: str  # "xã", "phường", "thị trấn"


def _dataset() -> Path:
    """The vietnamadminunits SQLite data, located as antqsearch.gazetteer locates it."""
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("Thiếu gói vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"


def _short(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


@cache
def places() -> tuple[tuple[Place, ...], ...]:
    """Legacy wards grouped by province (sorted: the order is part of the determinism)."""
    query = (
        "SELECT province, provinceShort, districtShort, districtType, wardShort, wardType"
        " FROM admin_units_legacy WHERE wardShort IS NOT NULL AND wardShort != ''"
    )
    uri = _dataset().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = sorted(set(connection.execute(query)))
    by_province: dict[str, list[Place]] = {}
    for full, p_short, d_short, d_type, w_short, w_type in rows:
        district, ward = _short(d_short), _short(w_short)
        if not (d_type and w_type) or any(ch.isdigit() for ch in district + ward):
            continue  # numbered units ("Phường 13", "Quận 1") read badly as slots
        city = full.startswith("Thành phố")
        by_province.setdefault(p_short, []).append(Place(
            p_short, f"{'thành phố' if city else 'tỉnh'} {p_short}", city,
            district, d_type.lower(), ward, w_type.lower()))
    return tuple(tuple(v) for _, v in sorted(by_province.items()))


# ------------------------------------------------------------------------------- the pool


@dataclass(frozen=True)
class Pool:
    """Templated material from the real corpus: paragraphs, sentences and headlines."""

    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]
    headlines: tuple[str, ...]


def _prefix_span(text: str, start: int) -> tuple[int, str] | None:
    """The unit-type word right before a place name: its start and its lower-case form."""
    match = _PREFIX_BEFORE_RE.search(text[max(0, start - 12) : start])
    if not match:
        return None
    return max(0, start - 12) + match.start(), match.group(1)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" “\"(")
    return not before or before[-1] in ".!?…:\n"


def _slot(kind: str, capital: bool) -> str:
    return "{" + (kind[0].upper() + kind[1:] if capital else kind) + "}"


def template_places(text: str) -> str:
    """Replace every place mention by a slot: {ward_full}, {district}, {province}…"""
    pieces, cursor = [], 0
    for mention in find_mentions(text):
        if mention.start < cursor:
            continue
        start, kind = mention.start, mention.kind
        if kind == "bare":
            kind = "province"
        prefix = _prefix_span(text, mention.start)
        if prefix and kind in ("ward", "district", "province"):
            start = prefix[0]
            slot = _slot(f"{kind}_full", _sentence_start(text, start))
        else:
            slot = _slot(kind, False)
        pieces.append(text[cursor:start] + slot)
        cursor = mention.end
    return "".join(pieces) + text[cursor:]


def template_dates(text: str) -> str:
    """Years, year ranges and day-month dates become slots."""
    text = _YEAR_RANGE_RE.sub(r"{prev_year} \2 {year}", text)
    text = _YEAR_RE.sub("{year}", text)
    text = _DAY_MONTH_RE.sub(lambda m: "{d}" + m.group(2) + "{m}", text)
    return _MONTH_YEAR_RE.sub(r"tháng {m}/\2", text)


def template_people(text: str, names: Sequence[str]) -> str:
    for k, name in enumerate(names):
        text = text.replace(name, f"{{P{k}}}")
    return text


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(paragraph) if s.strip()]


@cache
def load_pool(corpus_dir: Path = REPO / "corpus") -> Pool:
    """Read the real articles and turn them into templates."""
    paragraphs: list[str] = []
    headlines: list[str] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        raw = read_article(corpus_dir, path)
        if not hasattr(raw, "text"):
            continue
        meta = extract_metadata(raw.text)
        names = sorted(find_officials(f"{meta.title}\n{meta.body}"), key=len, reverse=True)
        lines = [line.strip() for line in meta.body.split("\n") if line.strip()]
        if meta.author and lines and meta.author in lines[-1]:
            lines.pop()

        def template(text: str, names: Sequence[str] = names) -> str:
            return template_people(template_dates(template_places(text)), names)

        paragraphs.extend(template(line) for line in lines if len(line.split()) >= 4)
        if meta.title and not meta.body.startswith(meta.title[:40]):
            headlines.append(template(meta.title))
    sentences = [s for p in paragraphs for s in split_sentences(p) if len(s.split()) >= 6]
    return Pool(tuple(paragraphs), tuple(sentences), tuple(headlines))


# ------------------------------------------------------------------------------- people


def person_name(rng: random.Random) -> str:
    """A full name that the officials extractor accepts (and that is not a place)."""
    surnames, weights = zip(*SURNAMES, strict=True)
    while True:
        parts = [rng.choices(surnames, weights)[0], rng.choice(MIDDLE_NAMES)]
        if rng.random() < 0.2:
            parts.append(rng.choice(MIDDLE_NAMES))
        parts.append(rng.choice(GIVEN_NAMES))
        if len(set(parts)) == len(parts):
            name = " ".join(parts)
            if not is_place_name(name):
                return name


@dataclass(frozen=True)
class Official:
    name: str
    before: str  # title before the name ("Phó Chủ tịch UBND tỉnh", "Đại tá")
    after: str | None  # title after it ("Giám đốc Công an tỉnh")

    def named(self) -> str:
        """As the text names them: "Đại tá X, Giám đốc Công an tỉnh" or "Chủ tịch … X"."""
        if self.after:
            return f"{self.before} {self.name}, {self.after}"
        return f"{self.before} {self.name}"

    def role(self) -> str:
        return self.after or self.before


@cache
def roster(seed: int, province_index: int) -> tuple[Official, ...]:
    """The officials of one province (the same people appear across its articles)."""
    rng = random.Random(f"{seed}:roster:{province_index}")
    group = places()[province_index]
    city = group[0].city
    officials = []
    for before, after in ROLES:
        district = rng.choice(group)
        values = {
            "unit": "thành phố" if city else "tỉnh",
            "party": "Thành ủy" if city else "Tỉnh ủy",
            "district_full": f"{district.district_type} {district.district}",
        }
        fill = _filler(values)
        officials.append(Official(person_name(rng), fill(before),
                                  fill(after) if after else None))
    return tuple(officials)


# ------------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class Truth:
    """What the generator put in an article (to check the extractor against)."""

    id: str
    province: str
    district: str
    ward: str
    year: int
    date: str
    officials: tuple[str, ...]
    words: int


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _filler(values: dict[str, str]) -> Callable[[str], str]:
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in values:
            return values[key]
        lower = key[0].lower() + key[1:]
        if lower in values:
            return _cap(values[lower])
        return match.group()

    def fill(text: str) -> str:
        return _SLOT_RE.sub(value, text)

    return fill


def _date(rng: random.Random, year: int) -> datetime.date:
    month = rng.choice((7, 8, 8, 8, 9, 9, 10, 11))
    return datetime.date(year, month, rng.randint(1, 28))


def _values(rng: random.Random, place: Place, cast: Sequence[Official], year: int,
            date: datetime.date) -> dict[str, str]:
    values = {
        "province": place.province,
        "province_full": place.province_full,
        "district": place.district,
        "district_full": f"{place.district_type} {place.district}",
        "ward": place.ward,
        "ward_full": f"{place.ward_type} {place.ward}",
        "unit": "thành phố" if place.city else "tỉnh",
        "year": str(year),
        "prev_year": str(year - 1),
        "d": str(date.day),
        "m": str(date.month),
        "daypart": rng.choice(DAYPARTS).lower(),
    }
    for k in range(8):
        official = cast[k % len(cast)]
        values[f"P{k}"] = official.name
        values[f"title{k}"] = official.role()
        values[f"role{k}"] = official.role()
        values[f"named{k}"] = official.named()
    return values


def _words(text: str) -> int:
    return len(text.split())


def _body(rng: random.Random, pool: Pool, fill: Callable[[str], str], intro: str,
          target: int, already: int) -> list[str]:
    """The intro, then real paragraphs (whole or re-assembled) up to the target length
    (``already``: the words of the headline, dateline and byline)."""
    paragraphs = [intro]
    count = already + _words(intro)
    order = rng.sample(range(len(pool.paragraphs)), len(pool.paragraphs))
    extras = list(EXTRAS)
    rng.shuffle(extras)
    while count < target:
        if extras and rng.random() < 0.15:
            paragraph = fill(extras.pop())
        elif order and rng.random() < 0.6:
            paragraph = fill(pool.paragraphs[order.pop()])
        else:
            sentences = rng.sample(pool.sentences, rng.randint(2, 5))
            paragraph = fill(" ".join(sentences))
        words = _words(paragraph)
        if count + words > MAX_WORDS - 10:
            kept = []
            for sentence in split_sentences(paragraph):
                if count + _words(sentence) > MAX_WORDS - 10:
                    break
                kept.append(sentence)
                count += _words(sentence)
            if kept:
                paragraphs.append(" ".join(kept))
            break
        paragraphs.append(paragraph)
        count += words
    return paragraphs


def article(index: int, seed: int = SEED, pool: Pool | None = None) -> tuple[str, str, Truth]:
    """Article number ``index``: (id, text, truth)."""
    pool = pool or load_pool()
    rng = random.Random(f"{seed}:article:{index}")
    province_index = rng.randrange(len(places()))
    place = rng.choice(places()[province_index])
    year = rng.choice(YEARS)
    date = _date(rng, year)
    team = roster(seed, province_index)
    cast = rng.sample(team, 3)
    values = _values(rng, place, cast, year, date)
    fill = _filler(values)
    headline = fill(rng.choice(HEADLINES + pool.headlines))
    style = rng.random()
    intro = fill(rng.choice(INTROS))
    target = rng.randint(MIN_WORDS + 20, MAX_WORDS - 40)
    author = rng.choice(BYLINES).replace("{name}", _byline_name(rng))
    if style < 0.35:  # a dated line under the headline, as news sites print it
        stamp = f"{WEEKDAYS[date.weekday()]} {date:%d/%m/%Y} {rng.randint(6, 21):02d}:" \
                f"{rng.randint(0, 59):02d}"
        head = [headline, "", stamp, ""]
    elif style < 0.5:  # the "date YYYY-MM" marker of some saved pages
        head = [f"date {date:%Y-%m} {headline}", ""]
    else:
        head = [headline, ""]
    body = _body(rng, pool, fill, intro, target, _words(" ".join(head + [author])))
    text = "\n".join(head + ["\n\n".join(body), "", author, ""])
    article_id = f"{index:06d}"
    mentioned = tuple(o.name for o in cast if o.name in text)
    truth = Truth(article_id, place.province, place.district, place.ward, year,
                  date.isoformat(), mentioned, _words(text))
    return article_id, text, truth


def _byline_name(rng: random.Random) -> str:
    return f"{rng.choice(MIDDLE_NAMES + GIVEN_NAMES)} {rng.choice(GIVEN_NAMES)}"


def generate(out: Path, count: int, seed: int = SEED) -> list[Truth]:
    """Write ``count`` articles as ``out/NNNNNN.txt`` (only what differs is rewritten)."""
    out.mkdir(parents=True, exist_ok=True)
    pool = load_pool()
    truths = []
    wanted = set()
    for index in range(count):
        article_id, text, truth = article(index, seed, pool)
        path = out / f"{article_id}.txt"
        wanted.add(path.name)
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        truths.append(truth)
    for stale in out.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    return truths


def iter_texts(corpus: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(corpus.glob("*.txt")):
        yield path.stem, path.read_text(encoding="utf-8")


def modify(corpus: Path, fraction: float = 0.01, seed: int = SEED) -> list[str]:
    """Change ``fraction`` of the articles deterministically (a paragraph added before the
    byline); returns the ids changed."""
    paths = sorted(corpus.glob("*.txt"))
    rng = random.Random(f"{seed}:modify:{len(paths)}")
    chosen = sorted(rng.sample(paths, max(1, round(len(paths) * fraction))))
    for path in chosen:
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        added = (f"Cập nhật: sau ngày hội, địa phương đã tiếp nhận thêm {rng.randint(2, 40)} "
                 f"tin báo của người dân về an ninh trật tự và xử lý kịp thời.")
        lines[-1:-1] = [added, ""]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [p.stem for p in chosen]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--truth", type=Path, help="write what was generated as JSON lines")
    args = parser.parse_args(argv)
    truths = generate(args.out, args.articles, args.seed)
    if args.truth:
        with open(args.truth, "w", encoding="utf-8") as handle:
            for t in truths:
                handle.write(json.dumps(t.__dict__, ensure_ascii=False) + "\n")
    words = [t.words for t in truths]
    print(f"{len(truths)} articles in {args.out}, {min(words)}–{max(words)} words",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
