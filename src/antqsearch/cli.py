"""The ``antqsearch`` command: thin click commands over the library."""

from __future__ import annotations

import errno
import json
import socket
import sys
from pathlib import Path
from typing import Any

import click

from . import settings as S
from .clicktext import install as install_vietnamese
from .clioutput import facet_label, print_check_table, print_page, print_summary
from .corpus import CorpusMissing
from .facets import DECLARED
from .indexer import BuildSummary, build_index
from .links import article_url
from .report import check_corpus
from .search import SORTS, BadRequest, SearchRequest, SearchService
from .segment import SegmenterUnavailable
from .settings import CORPUS_ENV, INDEX_ENV, Folders
from .store import BuildInProgress, IndexNotReady

install_vietnamese()  # click's own help and errors ("Cách dùng", "Tùy chọn", …)
CONTEXT = {"help_option_names": ["-h", "--help"]}

MAX_REQUEST_BODY = S.MAX_REQUEST_BODY.default
MAX_REQUEST_HEADERS = S.MAX_REQUEST_HEADERS.default
SEGMENTER_HELP = ("Bộ tách từ tiếng Việt là bắt buộc để lập chỉ mục và tìm kiếm: hãy cài lại "
                  "antqsearch (make install, hoặc pip install antqsearch).")

corpus_option = click.option(
    "--corpus",
    "corpus",
    envvar=CORPUS_ENV,
    type=click.Path(path_type=Path),
    help=S.CORPUS_DIR.help,
)
index_option = click.option(
    "--index",
    "index",
    envvar=INDEX_ENV,
    type=click.Path(path_type=Path),
    help=S.INDEX_DIR.help,
)


def _settings(corpus: Path | None = None, index: Path | None = None) -> Folders:
    return Folders.from_env(corpus_dir=corpus, index_dir=index)


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


class Commands(click.Group):
    """The command group: a missing word segmenter is a message, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SegmenterUnavailable as exc:
            _fail(f"{exc}. {SEGMENTER_HELP}")


def facet_options(command: Any) -> Any:
    """A repeatable ``--name`` option per facet (``_`` written ``-``), in declared order."""
    for facet in reversed(DECLARED):
        option = click.option(f"--{facet.name.replace('_', '-')}", facet.name, multiple=True,
                              metavar=facet.metavar, help=facet.help)
        command = option(command)
    return command


@click.group(cls=Commands, context_settings=CONTEXT)
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
        print_summary(summary)


def _build_with_progress(settings: Folders, full: bool) -> BuildSummary:
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


def _service(index: Path | None) -> SearchService:
    return SearchService(_settings(index=index).index_dir, article_url=article_url)


@main.command()
@click.argument("query", required=False, default="", metavar="[CÂU_TÌM_KIẾM]")
@index_option
@facet_options
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="Chỉ bài đăng từ ngày này (theo ngày của bài).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Chỉ bài đăng đến ngày này.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="Sắp xếp: relevance (liên quan nhất) hoặc date (mới nhất).")
@click.option("--page", type=WholeNumber(), default=1, show_default=True, help="Trang kết quả.")
@click.option("--per-page", type=WholeNumber(), default=S.PER_PAGE.default, show_default=True,
              help=S.PER_PAGE.help)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def search(
    query: str,
    index: Path | None,
    date_from: str | None,
    date_to: str | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
    **filters: tuple[str, ...],
) -> None:
    """Tìm bài viết; không có câu tìm kiếm thì liệt kê mọi bài, mới nhất trước."""
    try:
        request = SearchRequest(query, sort=sort, page=page, per_page=per_page,
                                date_from=date_from, date_to=date_to,
                                **filters)
        result = _service(index).search(request)
    except (BadRequest, IndexNotReady) as exc:
        _fail(str(exc))
        return
    beyond = result.total and result.page > result.pages
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif not beyond:
        print_page(result)
    if beyond:
        _fail(f"trang {result.page} vượt quá số trang: {result.total} kết quả chỉ có "
              f"{result.pages} trang.", 1)


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
        click.echo(f"{facet_label(facet)}:")
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
    print_check_table(rows)


@main.command()
@index_option
@click.option("--host", default=S.HOST.default, show_default=True, metavar="ĐỊA_CHỈ",
              help=S.HOST.help)
@click.option("--port", default=S.PORT.default, show_default=True, type=int, metavar="CỔNG",
              help=S.PORT.help)
@click.option("--threads", default=S.THREADS.default, show_default=True,
              type=click.IntRange(1, 64), metavar="SỐ", help=S.THREADS.help)
@click.option("--workers", default=S.WORKERS.default, show_default=True,
              type=click.IntRange(1, 64), metavar="SỐ", help=S.WORKERS.help)
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
