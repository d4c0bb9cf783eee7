"""What the commands print on a terminal: a build's summary, a search page, the check table."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import click

from .collate import vi_sort_key
from .facets import FACET
from .indexer import BuildSummary
from .search import SearchPage


def print_summary(summary: BuildSummary) -> None:
    if not summary.changed and not summary.full:
        click.echo(
            f"Không có thay đổi: {summary.unchanged} bài không đổi, không phân tích lại "
            f"bài nào ({summary.seconds:.2f} giây)."
        )
    else:
        kind = "toàn bộ" if summary.full else "cập nhật"
        click.echo(
            f"Đã lập chỉ mục ({kind}) trong {summary.seconds:.2f} giây: "
            f"{summary.added} thêm, {summary.updated} sửa, {summary.removed} xóa, "
            f"{summary.unchanged} không đổi, {len(summary.skipped)} bỏ qua; "
            f"chỉ mục có {summary.total} bài."
        )
    for skipped in summary.skipped:
        click.secho(f"  bỏ qua {skipped.path}: {skipped.reason}", fg="yellow", err=True)
    for warning in summary.warnings:
        click.secho(f"  cảnh báo {warning}", fg="yellow", err=True)


def _snippet(html: str) -> str:
    """A snippet's HTML as terminal text, the marked words in bold (on a terminal)."""
    parts = re.split(r"<mark>(.*?)</mark>", html)
    return "".join(click.style(unescape(p), bold=True) if i % 2 else unescape(p)
                   for i, p in enumerate(parts))


def print_page(page: SearchPage) -> None:
    if not page.total:
        click.echo("Không tìm thấy bài viết nào.")
    else:
        click.echo(f"{page.total} kết quả ({page.took_ms:.0f} ms), "
                   f"trang {min(page.page, page.pages)}/{page.pages}")
    for notice in page.notices:
        click.secho(notice, fg="yellow")
    if page.suggestion:
        click.echo(f"Có phải bạn muốn tìm: {page.suggestion}")
    for rank, hit in enumerate(page.hits, start=(page.page - 1) * page.per_page + 1):
        click.echo(f"{rank:>3}. {hit.title}  [{hit.id}]")
        when = "/".join(reversed(hit.date.split("-"))) if hit.date else hit.year
        meta = " · ".join(str(x) for x in (when,
                                      hit.province, ", ".join(hit.officials)) if x)
        click.echo(f"     {meta}" + (f"  (điểm {hit.score:.2f})" if hit.score else ""))
        if hit.snippet_html:
            click.echo(f"     {_snippet(hit.snippet_html)}")
    for facet, values in page.facets.items():
        shown = ", ".join(f"{v.value} ({v.count})" for v in values[:8] if v.count)
        if shown:
            click.echo(f"{facet_label(facet)}: {shown}")


def facet_label(facet: str) -> str:
    return FACET[facet].label if facet in FACET else facet


CHECK_COLUMNS = (("id", "Bài", 24), ("title", "Tiêu đề", 44), ("date", "Ngày", 10),
                 ("province", "Tỉnh/thành", 16), ("officials", "Quan chức", 30),
                 ("author", "Tác giả", 18), ("missing", "Còn thiếu", 0))
CHECK_NAMES = {"title": "tiêu đề", "date": "ngày", "province": "tỉnh/thành",
               "officials": "quan chức", "author": "tác giả",
               "headline": "tiêu đề riêng (tiêu đề là câu mở đầu)"}


def _cell(text: str, width: int) -> str:
    """The text cut to the width (with …) and padded to it; width 0: as it is."""
    if not width:
        return text
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def print_check_table(rows: list[dict[str, Any]]) -> None:
    """One aligned line per article under a header; skipped files after the table."""
    click.echo("  ".join(_cell(label, width) for _, label, width in CHECK_COLUMNS).rstrip())
    click.echo("  ".join("─" * (width or len(label)) for _, label, width in CHECK_COLUMNS))
    for row in rows:
        if "skipped" in row:
            continue
        values = {
            **{key: str(row.get(key) or "—") for key, _, _ in CHECK_COLUMNS},
            "officials": ", ".join(sorted(row["officials"], key=vi_sort_key)) or "—",
            "missing": ", ".join(CHECK_NAMES.get(m, m) for m in row["missing"]) or "—",
        }
        click.echo("  ".join(_cell(values[key], width) for key, _, width in CHECK_COLUMNS))
    for row in rows:
        if "skipped" in row:
            click.secho(f"bỏ qua {row['id']}: {row['skipped']}", fg="yellow")
        for warning in row.get("warnings", ()):
            click.secho(f"cảnh báo {row['id']}: {warning}", fg="yellow")
