"""The ``antqsearch`` command: thin click commands over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .config import CORPUS_ENV, INDEX_ENV, Settings
from .indexer import BuildSummary, CorpusMissing, build_index
from .report import check_corpus
from .search import BadRequest, SearchPage, SearchRequest, SearchService, whole_number
from .store import BuildInProgress, IndexNotReady

MAX_REQUEST_BODY = 64 * 1024
MAX_REQUEST_HEADERS = 256 * 1024

corpus_option = click.option(
    "--corpus",
    "corpus",
    envvar=CORPUS_ENV,
    type=click.Path(path_type=Path),
    help="Thư mục bài viết (mặc định corpus/).",
)
index_option = click.option(
    "--index",
    "index",
    envvar=INDEX_ENV,
    type=click.Path(path_type=Path),
    help="Thư mục chỉ mục (mặc định index/).",
)


def _settings(corpus: Path | None = None, index: Path | None = None) -> Settings:
    return Settings.from_env(corpus_dir=corpus, index_dir=index)


def _fail(message: str) -> None:
    click.secho(f"Lỗi: {message}", fg="red", err=True)
    sys.exit(2)


@click.group()
@click.version_option(package_name="antqsearch")
def main() -> None:
    """Tìm kiếm toàn văn tin bài Ngày hội toàn dân bảo vệ an ninh Tổ quốc."""


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@corpus_option
@click.option("--dry-run", is_flag=True, help="Chỉ báo sẽ ghi gì, không ghi tệp nào.")
def import_command(source: Path, corpus: Path | None, dry_run: bool) -> None:
    """Nhập bài từ tệp JSONL (có thể nén .gz) hoặc thư mục trang HTML đã lưu vào corpus/."""
    from .importer import import_articles

    settings = _settings(corpus)

    def progress(done: int) -> None:
        if done % 1000 == 0:
            click.echo(f"Đã nhập {done} bài…", err=True)

    try:
        summary = import_articles(source, settings.corpus_dir, dry_run=dry_run,
                                  progress=progress)
    except OSError as exc:
        _fail(f"không nhập được {source}: {exc.strerror or exc}")
        return
    for note in summary.notes:
        click.secho(f"  lưu ý {note.where}: {note.reason}", fg="yellow", err=True)
    for problem in summary.problems:
        click.secho(f"  bỏ qua {problem.where}: {problem.reason}", fg="yellow", err=True)
    verb = "Sẽ nhập" if dry_run else "Đã nhập"
    click.echo(
        f"{verb} {summary.imported} bài vào {settings.corpus_dir}: {summary.written} mới, "
        f"{summary.rewritten} thay đổi, {summary.unchanged} không đổi; "
        f"{len(summary.problems)} bỏ qua."
    )
    if summary.imported == 0 and summary.problems:
        sys.exit(1)


@main.command()
@corpus_option
@index_option
@click.option("--full", is_flag=True, help="Phân tích lại mọi bài, kể cả bài không đổi.")
def index(corpus: Path | None, index: Path | None, full: bool) -> None:
    """Lập (hoặc cập nhật) chỉ mục từ thư mục bài viết."""
    settings = _settings(corpus, index)
    try:
        summary = _build_with_progress(settings, full)
    except (CorpusMissing, BuildInProgress) as exc:
        _fail(str(exc))
    except OSError as exc:  # e.g. the index folder is a file, or not writable
        _fail(f"không ghi được chỉ mục vào {settings.index_dir}: {exc.strerror or exc}")
    else:
        _print_summary(summary)


def _build_with_progress(settings: Settings, full: bool) -> BuildSummary:
    """Build, with a progress bar on a terminal and a line every 10 % elsewhere."""
    bar: Any = None
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal bar, shown
        if sys.stderr.isatty():
            if bar is None:
                bar = click.progressbar(length=total, label="Phân tích bài viết", file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)
        elif done * 10 // total > shown:
            shown = done * 10 // total
            click.echo(f"Đã phân tích {done}/{total} bài", err=True)

    try:
        return build_index(settings.corpus_dir, settings.index_dir, full=full, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _print_summary(summary: BuildSummary) -> None:
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


def _service(index: Path | None) -> SearchService:
    return SearchService(_settings(index=index).index_dir)


@main.command()
@click.argument("query", required=False, default="")
@index_option
@click.option("--province", multiple=True,
              help="Lọc theo tỉnh/thành trước 7/2025 (63 tỉnh; lặp lại để chọn nhiều).")
@click.option("--province-2025", "province_2025", multiple=True,
              help="Lọc theo tỉnh/thành từ 7/2025 (34 tỉnh; lặp lại để chọn nhiều).")
@click.option("--year", multiple=True, help="Lọc theo năm (lặp lại để chọn nhiều).")
@click.option("--official", multiple=True, help="Lọc theo quan chức (lặp lại để chọn nhiều).")
@click.option("--sort", default="relevance", show_default=True,
              help="Sắp xếp: relevance (liên quan nhất) hoặc date (mới nhất).")
@click.option("--page", default="1", show_default=True, help="Trang kết quả.")
@click.option("--per-page", default="10", show_default=True, help="Số kết quả mỗi trang.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def search(
    query: str,
    index: Path | None,
    province: tuple[str, ...],
    province_2025: tuple[str, ...],
    year: tuple[str, ...],
    official: tuple[str, ...],
    sort: str,
    page: str,
    per_page: str,
    as_json: bool,
) -> None:
    """Tìm bài viết; QUERY rỗng liệt kê mọi bài, mới nhất trước."""
    try:
        request = SearchRequest(query, province, year, official, sort,
                                whole_number(page, "--page"), whole_number(per_page, "--per-page"),
                                province_2025=province_2025)
        result = _service(index).search(request)
    except (BadRequest, IndexNotReady) as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_page(result)


def _print_page(page: SearchPage) -> None:
    click.echo(f"{page.total} kết quả ({page.took_ms:.0f} ms), trang {page.page}/{page.pages}")
    for notice in page.notices:
        click.secho(notice, fg="yellow")
    if page.suggestion:
        click.echo(f"Có phải bạn muốn tìm: {page.suggestion}")
    for rank, hit in enumerate(page.hits, start=(page.page - 1) * page.per_page + 1):
        click.echo(f"{rank:>3}. {hit.title}  [{hit.id}]")
        meta = " · ".join(x for x in (hit.date, hit.province, ", ".join(hit.officials)) if x)
        click.echo(f"     {meta}  (điểm {hit.score:.2f})")
    for facet, values in page.facets.items():
        shown = ", ".join(f"{v.value} ({v.count})" for v in values[:8])
        click.echo(f"{facet}: {shown}")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def stats(index: Path | None, as_json: bool) -> None:
    """Số bài và số bài theo từng giá trị của mỗi nhóm lọc."""
    try:
        data = _service(index).stats()
    except IndexNotReady as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['documents']} bài")
    for facet, values in data["facets"].items():
        click.echo(f"{facet}:")
        for value, count in values:
            click.echo(f"  {count:>5}  {value}")


@main.command()
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
def check(corpus: Path | None, as_json: bool) -> None:
    """Siêu dữ liệu trích được của từng bài, và những gì còn thiếu."""
    settings = _settings(corpus)
    try:
        rows = check_corpus(settings.corpus_dir)
    except CorpusMissing as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        _print_check_row(row)


def _print_check_row(row: dict[str, Any]) -> None:
    if "skipped" in row:
        click.secho(f"{row['id']}: bỏ qua ({row['skipped']})", fg="yellow")
        return
    officials = ", ".join(row["officials"]) or "—"
    missing = f"  THIẾU: {', '.join(row['missing'])}" if row["missing"] else ""
    click.echo(
        f"{row['id']} | {row['title'][:70]} | {row['date'] or '—'} | "
        f"{row['province'] or '—'} | {officials} | {row['author'] or '—'}{missing}"
    )
    for warning in row.get("warnings", ()):
        click.secho(f"    cảnh báo: {warning}", fg="yellow")


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("--port", default=8000, show_default=True, type=int, help="Cổng.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Số luồng phục vụ (mỗi tiến trình).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Số tiến trình phục vụ (trên 1: gunicorn, mỗi tiến trình một bản chỉ mục).")
def serve(index: Path | None, host: str, port: int, threads: int, workers: int) -> None:
    """Chạy trang tìm kiếm (waitress; gunicorn khi --workers > 1)."""
    from .serving import serve_gunicorn, serve_waitress
    from .web import create_app

    app = create_app({"INDEX_DIR": str(_settings(index=index).index_dir)})
    app.debug = False  # never the debugger in production, even with FLASK_DEBUG set
    processes = f"{workers} tiến trình" if workers > 1 else "1 tiến trình"
    click.echo(f"Đang phục vụ tại http://{host}:{port}/ ({processes}; /healthz trả 503 "
               "cho đến khi khởi động xong) (Ctrl+C để dừng)")
    if workers > 1:
        if sys.platform == "win32":
            _fail("--workers > 1 cần Linux hoặc macOS (gunicorn)")
        serve_gunicorn(app, host, port, workers, min(threads, 4), MAX_REQUEST_HEADERS)
        return
    serve_waitress(
        app, host, port, threads,
        max_request_body_size=MAX_REQUEST_BODY,  # a GET-only site: no 1 GB uploads buffered
        max_request_header_size=MAX_REQUEST_HEADERS,
    )


if __name__ == "__main__":
    main()
