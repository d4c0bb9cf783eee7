"""Take the screenshots of docs/screenshots/ with headless Chromium (never downloaded).

    python scripts/screenshots.py [--index DIR | --corpus DIR | --synthetic N]
                                  [--prefix NAME-] [--out docs/screenshots]
                                  [--chromium /usr/bin/chromium]

Without ``--index`` the articles of ``--corpus`` (default ``corpus/``), or ``N`` synthetic
articles made by bench/synth.py, are indexed into a temporary folder first. The site is
served by waitress on a free local port. Every page at 1366×900 and 390×844.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from antqsearch.web.shots import serve, take

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing index folder")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--synthetic", type=int, help="index N articles of bench/synth.py")
    parser.add_argument("--prefix", default="", help="put before every file name")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="antq-shots-") as tmp:
        index_dir = args.index
        if index_dir is None:
            from antqsearch.indexer import build_index

            corpus = args.corpus
            if args.synthetic:
                corpus = Path(tmp) / "corpus"
                subprocess.run([sys.executable, str(REPO / "bench" / "synth.py"), "--articles",
                                str(args.synthetic), "--out", str(corpus)], check=True)
            index_dir = Path(tmp) / "index"
            build_index(corpus, index_dir)
        with serve(index_dir) as base:
            for path in take(base, args.out, args.chromium, prefix=args.prefix):
                print(path)


if __name__ == "__main__":
    main()
