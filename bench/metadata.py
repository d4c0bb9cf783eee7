"""Metadata extraction measured on real text: one table.

    python bench/metadata.py [--dated ../shared/eval/dated-news/articles.jsonl]
        [--real ../shared/corpus-real/baomoi-2017.jsonl.gz] [--sample 2000] [--json]

* **dated-news**: each article is written as ``ID.txt`` (headline, blank line, text) into a
  temporary corpus and read back the way the indexer reads it (``read_article`` →
  ``article_metadata``); the extracted year is compared with the publication date's year:
  precision = right / years given, coverage = right / all articles.
* **seeds**: the five articles of ``corpus/`` against the expected province, date,
  officials and author (the values the project was built to; kept here, not read from
  the articles).
* **rules**: each rule of ``laterdates.LATER_RULES`` (evidence outside the opening) measured on
  dated-news alone over the opening's evidence, and the whole without it (``--no-rules``
  skips this part).
* **real sample**: every k-th article of the baomoi 2017 crawl (published in 2017: all its
  ids are of that year): how many get a year, how many of those are 2017 (the share is the
  precision there), how many a year after 2017 or after today, how many before 2000, the
  spread of years, how many officials keep a courtesy word ("Ông …"), how many get a
  province; and the extraction speed (articles per second, one process).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from antqsearch import laterdates
from antqsearch.corpus import RawArticle, read_article
from antqsearch.metadata import ArticleMeta
from antqsearch.record import article_metadata

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DEFAULT_DATED = SHARED / "eval" / "dated-news" / "articles.jsonl"
DEFAULT_REAL = SHARED / "corpus-real" / "baomoi-2017.jsonl.gz"
COURTESY = ("Ông ", "Bà ", "Anh ", "Chị ", "Cô ", "Chú ", "Bác ", "Đồng chí ")

# What the seeds of corpus/ must give (design §4); "date" is the ISO date, or the year.
SEEDS: dict[str, dict[str, Any]] = {
    "000_ae1a3d5dfa8173e5": {"province": "Thanh Hóa", "date": "2023-07-19",
                             "officials": ["Nguyễn Văn Thi"], "author": "Hoàng Lan"},
    "001_32c4a5321932a668": {"province": "Hải Dương", "date": "2022-08-22",
                             "officials": ["Lê Quý Thường"], "author": "Văn Tú"},
    "002_0f60e8da727919d9": {"province": "Thanh Hóa", "date": "2023-08-10",
                             "officials": ["Đỗ Trọng Hưng", "Lê Anh Xuân", "Trần Phú Hà"],
                             "author": "Minh Hiếu"},
    "003_17d1c34befa2625a": {"province": "Tuyên Quang", "date": "2024",
                             "officials": ["Phạm Hoàng Điệp"], "author": "Thế Vinh"},
    "004_00056c9aadf91c1d": {"province": "Quảng Nam", "date": "2024-08-16",
                             "officials": ["Lê Văn Dũng"], "author": None},
}


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _extract(folder: Path, name: str, text: str) -> ArticleMeta | None:
    """Write one article and read it back as the indexer does."""
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    raw = read_article(folder, path)
    path.unlink()
    if not isinstance(raw, RawArticle):
        return None
    meta = article_metadata(raw)
    return meta if isinstance(meta, ArticleMeta) else None


@contextmanager
def later_rules(names: Iterable[str]) -> Iterator[None]:
    """Extract with only these rules of evidence outside the opening."""
    saved = laterdates.LATER_RULES
    laterdates.LATER_RULES = {name: saved[name] for name in names}
    try:
        yield
    finally:
        laterdates.LATER_RULES = saved


def rule_effects(path: Path, folder: Path) -> list[dict[str, Any]]:
    """Year precision and coverage on dated-news: the opening's evidence alone, each later
    rule alone over it, the whole without each rule, the whole."""
    names = list(laterdates.LATER_RULES)
    rows = []
    cases = [("opening only", [])]
    cases += [(f"+ {name}", [name]) for name in names]
    cases += [(f"all − {name}", [n for n in names if n != name]) for name in names]
    cases += [("all", names)]
    for label, chosen in cases:
        with later_rules(chosen):
            rows.append({"rules": label, **dated_news(path, folder)})
    return rows


def dated_news(path: Path, folder: Path) -> dict[str, Any]:
    """Year precision and coverage on articles with known publication dates."""
    given = right = total = lost = 0
    for row in _jsonl(path):
        total += 1
        meta = _extract(folder, "dated", f"{row['title']}\n\n{row['text']}")
        if meta is None:
            lost += 1
            continue
        if meta.year is not None:
            given += 1
            right += meta.year == int(row["date"][:4])
    return {"articles": total, "given": given, "right": right, "lost": lost,
            "precision": right / given if given else 0.0,
            "coverage": right / total if total else 0.0}


def seeds(folder: Path) -> dict[str, Any]:
    """Fields of the seeds that agree with the expected values."""
    rows = {}
    for article_id, expected in SEEDS.items():
        raw = read_article(folder, folder / f"{article_id}.txt")
        meta = article_metadata(raw) if isinstance(raw, RawArticle) else None
        if not isinstance(meta, ArticleMeta):
            rows[article_id] = {key: False for key in expected}
            continue
        got = {"province": meta.province, "date": meta.date,
               "officials": list(meta.officials), "author": meta.author}
        rows[article_id] = {key: got[key] == value for key, value in expected.items()}
    fields = {key: sum(r[key] for r in rows.values()) for key in ("province", "date",
                                                                  "officials", "author")}
    return {"articles": len(rows), "right": fields, "rows": rows}


def real_sample(path: Path, folder: Path, sample: int, today: datetime.date) -> dict[str, Any]:
    """Years, officials and provinces on every k-th real article, and the speed."""
    rows = list(_jsonl(path))
    step = max(1, len(rows) // sample)
    picked = rows[::step][:sample]
    years: Counter[int] = Counter()
    officials = courtesy = provinces = lost = 0
    seconds = 0.0
    for i, row in enumerate(picked):
        text = "\n\n".join(p for p in (row["title"], row.get("summary"), row["text"]) if p)
        started = time.perf_counter()
        meta = _extract(folder, f"real{i}", text)
        seconds += time.perf_counter() - started
        if meta is None:
            lost += 1
            continue
        if meta.year is not None:
            years[meta.year] += 1
        officials += len(meta.officials)
        courtesy += sum(name.startswith(COURTESY) for name in meta.officials)
        provinces += meta.province is not None
    given = sum(years.values())
    return {
        "articles": len(picked), "lost": lost, "with_year": given,
        "year_2017": years[2017], "share_2017": years[2017] / given if given else 0.0,
        "before_2000": sum(n for y, n in years.items() if y < 2000),
        "after_2017": sum(n for y, n in years.items() if y > 2017),
        "after_today": sum(n for y, n in years.items() if y > today.year),
        "distinct_years": len(years), "min_year": min(years, default=None),
        "max_year": max(years, default=None), "officials": officials,
        "courtesy": courtesy, "with_province": provinces,
        "articles_per_s": len(picked) / seconds if seconds else 0.0,
    }


def render(result: dict[str, Any]) -> str:
    """The one Markdown table."""
    lines = ["| set | measure | value |", "|---|---|---|"]
    d = result.get("dated")
    if d:
        lines += [
            f"| dated-news ({d['articles']}) | year precision (right / given) | "
            f"**{d['precision']:.3f}** ({d['right']}/{d['given']}) |",
            f"| | year coverage (right / all) | **{d['coverage']:.3f}** |",
            f"| | articles lost | {d['lost']} |",
        ]
    for row in result.get("rules", []):
        lines.append(f"| rules: {row['rules']} | year precision / coverage | "
                     f"{row['precision']:.3f} ({row['right']}/{row['given']}) / "
                     f"{row['coverage']:.3f} |")
    s = result["seeds"]
    for key, count in s["right"].items():
        label = f"seeds ({s['articles']})" if key == "province" else ""
        lines.append(f"| {label} | {key} as expected | {count}/{s['articles']} |")
    r = result.get("real")
    if r:
        n = r["articles"]
        lines += [
            f"| baomoi 2017 ({n}) | articles lost | {r['lost']} |",
            f"| | with a year | {r['with_year']} |",
            f"| | of those, 2017 (the crawl's year) | **{r['share_2017']:.3f}** "
            f"({r['year_2017']}/{r['with_year']}) |",
            f"| | year before 2000 | {r['before_2000']} |",
            f"| | year after 2017 / after today | {r['after_2017']} / {r['after_today']} |",
            f"| | distinct years (range) | {r['distinct_years']} "
            f"({r['min_year']}–{r['max_year']}) |",
            f"| | officials with a courtesy word | {r['courtesy']} of {r['officials']} |",
            f"| | with a province | {r['with_province']} |",
            f"| | extraction speed (articles/s, one process) | {r['articles_per_s']:.0f} |",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dated", type=Path, default=DEFAULT_DATED)
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-rules", action="store_true",
                        help="skip the effect of each rule of evidence outside the opening")
    args = parser.parse_args(argv)
    today = datetime.date.today()
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="antq-meta-") as tmp:
        folder = Path(tmp)
        if args.dated.is_file():
            result["dated"] = dated_news(args.dated, folder)
            if not args.no_rules:
                result["rules"] = rule_effects(args.dated, folder)
        else:
            print(f"({args.dated} not found: dated-news skipped)", file=sys.stderr)
        result["seeds"] = seeds(REPO / "corpus")
        if args.real.is_file() and args.sample > 0:
            result["real"] = real_sample(args.real, folder, args.sample, today)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
