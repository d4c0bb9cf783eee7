"""The ``antqsearch`` command: thin click commands over the library."""

from __future__ import annotations

import errno
import json
import re
import socket
import sys
from html import unescape
from pathlib import Path
from typing import Any

import click

from .clicktext import install as install_vietnamese
from .collate import vi_sort_key
from .config import CORPUS_ENV, INDEX_ENV, Settings
from .corpus import CorpusMissing
from .facets import FACET_LABELS
from .indexer import BuildSummary, build_index
from .report import check_corpus
from .search import SORTS, BadRequest, SearchPage, SearchRequest, SearchService
from .store import BuildInProgress, IndexNotReady

install_vietnamese()  # click's own help and errors ("Cách dùng", "Tùy chọn", …)
CONTEXT = {"help_option_names": ["-h", "--help"]}

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


def _fail(message: str, code: int = 2) -> None:
    click.secho(f"Lỗi: {message}", fg="red", err=True)
    sys.exit(code)


class WholeNumber(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A positive whole number (shown as INTEGER), refused in Vietnamese."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= 1:
            return int(text)
        self.fail(f"{text[:20]!r} không phải số nguyên dương.", param, ctx)


@click.group(context_settings=CONTEXT)
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
@click.argument("query", required=False, default="", metavar="[CÂU_TÌM_KIẾM]")
@index_option
@click.option("--province", multiple=True, metavar="TỈNH",
              help="Lọc theo tỉnh/thành trước 7/2025 (63 tỉnh; lặp lại để chọn nhiều).")
@click.option("--province-2025", "province_2025", multiple=True, metavar="TỈNH",
              help="Lọc theo tỉnh/thành từ 7/2025 (34 tỉnh; lặp lại để chọn nhiều).")
@click.option("--year", multiple=True, metavar="NĂM", help="Lọc theo năm (lặp lại để chọn nhiều).")
@click.option("--official", multiple=True, metavar="HỌ_TÊN",
              help="Lọc theo quan chức (lặp lại để chọn nhiều).")
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="Chỉ bài đăng từ ngày này (theo ngày của bài).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Chỉ bài đăng đến ngày này.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="Sắp xếp: relevance (liên quan nhất) hoặc date (mới nhất).")
@click.option("--page", type=WholeNumber(), default=1, show_default=True, help="Trang kết quả.")
@click.option("--per-page", type=WholeNumber(), default=10, show_default=True,
              help="Số kết quả mỗi trang.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def search(
    query: str,
    index: Path | None,
    province: tuple[str, ...],
    province_2025: tuple[str, ...],
    year: tuple[str, ...],
    official: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Tìm bài viết; không có câu tìm kiếm thì liệt kê mọi bài, mới nhất trước."""
    try:
        request = SearchRequest(query, province, year, official, sort, page, per_page,
                                province_2025=province_2025, date_from=date_from,
                                date_to=date_to)
        result = _service(index).search(request)
    except (BadRequest, IndexNotReady) as exc:
        _fail(str(exc))
        return
    beyond = result.total and result.page > result.pages
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif not beyond:
        _print_page(result)
    if beyond:
        _fail(f"trang {result.page} vượt quá số trang: {result.total} kết quả chỉ có "
              f"{result.pages} trang.", 1)


def _snippet(html: str) -> str:
    """A snippet's HTML as terminal text, the marked words in bold (on a terminal)."""
    parts = re.split(r"<mark>(.*?)</mark>", html)
    return "".join(click.style(unescape(p), bold=True) if i % 2 else unescape(p)
                   for i, p in enumerate(parts))


def _print_page(page: SearchPage) -> None:
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
            click.echo(f"{FACET_LABELS.get(facet, facet)}: {shown}")


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
        click.echo(f"{FACET_LABELS.get(facet, facet)}:")
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
    _print_check_table(rows)


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


def _print_check_table(rows: list[dict[str, Any]]) -> None:
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


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ĐỊA_CHỈ",
              help="Địa chỉ lắng nghe.")
@click.option("--port", default=8000, show_default=True, type=int, metavar="CỔNG", help="Cổng.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              metavar="SỐ", help="Số luồng phục vụ (mỗi tiến trình).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              metavar="SỐ",
              help="Số tiến trình phục vụ (trên 1: gunicorn, mỗi tiến trình một bản chỉ mục).")
def serve(index: Path | None, host: str, port: int, threads: int, workers: int) -> None:
    """Chạy trang tìm kiếm (waitress; gunicorn khi --workers > 1)."""
    from .serving import serve_gunicorn, serve_waitress
    from .web import create_app

    _check_port(host, port)
    app = create_app({"INDEX_DIR": str(_settings(index=index).index_dir)})
    app.debug = False  # never the debugger in production, even with FLASK_DEBUG set
    processes = f"{workers} tiến trình" if workers > 1 else "1 tiến trình"
    click.echo(f"Đang phục vụ tại http://{host}:{port}/ ({processes}; /healthz trả 503 "
               "cho đến khi khởi động xong) (Ctrl+C để dừng)")
    try:
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
    except OSError as exc:  # taken between the check and the bind
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        _fail(_port_message(host, port, exc))


def _port_message(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"cổng {port} trên {host} đang được một chương trình khác dùng; "
                "hãy dừng chương trình đó hoặc chọn cổng khác bằng --port.")
    return f"không mở được cổng {port} trên {host}: {exc.strerror or exc}."


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message, not a traceback, when the port cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        _fail(f"không hiểu địa chỉ {host!r}: {exc}.")
        return
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            _fail(_port_message(host, port, exc))


def _vietnamese_metavars(group: click.Group) -> None:
    group.subcommand_metavar = "LỆNH [THAM_SỐ]..."
    for command in [group, *group.commands.values()]:
        command.options_metavar = "[TÙY_CHỌN]"


_vietnamese_metavars(main)

if __name__ == "__main__":
    main()
