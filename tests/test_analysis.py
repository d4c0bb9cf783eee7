"""Whoosh analyzers, pyvi segmentation with offsets, the abbreviation table."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch.analysis import abbreviations, field_counts
from antqsearch.backend.whoosh.schema import build_schema
from antqsearch.segment import _line_tokens, compound_terms, line_features, load_segmenter, segment


def test_field_counts() -> None:
    counts = field_counts("Thanh Hoá\nNguyễn Văn Thi", "An ninh, an ninh trật tự.\nĐà Nẵng")
    assert counts["head"] == {"thanh": 1, "hóa": 1, "nguyễn": 1, "văn": 1, "thi": 1}
    assert set(counts) == {"head", "text", "pairs", "words"}
    assert counts["text"]["an"] == 2 and counts["text"]["ninh"] == 2
    assert counts["pairs"]["an ninh"] == 2 and counts["pairs"]["trật tự"] == 1
    assert "ninh an" not in counts["pairs"]  # not across the comma
    assert "thi an" not in counts["pairs"]  # not across lines
    assert "an_ninh" in counts["words"] and "nguyễn_văn_thi" in counts["words"]


def test_loading_the_segmenter_leaves_no_file_behind(tmp_path: Path) -> None:
    # pyvi's model is unpickled into a temporary file; a process that ends by os._exit
    # (the segment writer) or a signal (pool workers) never ran the finaliser removing it.
    # Eight threads load it at once (a server's first requests): none may find the file
    # already removed by another.
    code = ("import os, threading; from antqsearch.segment import load_segmenter, segment\n"
            "start = threading.Barrier(8); failed = []\n"
            "def load():\n"
            "    start.wait()\n"
            "    try:\n"
            "        load_segmenter(); assert segment('an ninh Tổ quốc')[0].text == 'an ninh'\n"
            "    except Exception as exc:\n"
            "        failed.append(exc)\n"
            "threads = [threading.Thread(target=load) for _ in range(8)]\n"
            "[t.start() for t in threads]; [t.join() for t in threads]\n"
            "print(failed); os._exit(1 if failed else 0)")
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TMPDIR": str(tmp_path)},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(tmp_path.iterdir()) == []


def test_schema_pickle_round_trip() -> None:
    schema = build_schema()
    loaded = pickle.loads(pickle.dumps(schema))
    assert loaded.names() == schema.names()
    assert [type(loaded[n]) for n in loaded.names()] == [type(schema[n]) for n in schema.names()]
    assert list(loaded["text"].index({"an": 2})) == list(schema["text"].index({"an": 2}))


def test_segment_spans_and_compounds() -> None:
    text = "Phó Chủ tịch UBND tỉnh Nguyễn Văn Thi dự Ngày hội toàn dân bảo vệ an ninh Tổ quốc."
    words = segment(text)
    assert all(text[w.start : w.end] == w.text for w in words)
    terms = field_counts("", text)["words"]
    assert "an_ninh" in terms and "tổ_quốc" in terms and "nguyễn_văn_thi" in terms


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("an ninh Tổ quốc Thanh Hóa,.-\n_()“”0123456789ĐđA"),
               max_size=120))
def test_segment_offsets_for_any_text(text: str) -> None:
    for word in segment(text):
        assert text[word.start : word.end] == word.text


def _same_labels_as_pyvi(text: str) -> None:
    tokenizer = load_segmenter()
    for line in _line_tokens(text):
        tokens = [t.group() for t in line]
        theirs = tokenizer.model.predict_single(tokenizer.sent2features(tokens, False))
        ours = line_features(tokens, tokenizer.bi_grams, tokenizer.tri_grams)
        assert tokenizer.model.tagger_.tag(ours) == list(theirs), tokens


def test_features_label_the_articles_as_pyvi_does(test_corpus: Path) -> None:
    for path in sorted(test_corpus.glob("*.txt")):
        _same_labels_as_pyvi(path.read_text(encoding="utf-8"))


def _compounds_of_words(text: str) -> list[str]:
    return [w.term for w in segment(text) if w.syllables > 1]


def test_compound_terms_are_the_segmented_compounds(test_corpus: Path) -> None:
    for path in sorted(test_corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert compound_terms(text) == _compounds_of_words(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("an ninh Tổ quốc THANH hoá,.-\n_()“”0123ĐđA\t"),
               max_size=120))
def test_compound_terms_of_any_text(text: str) -> None:
    assert compound_terms(text) == _compounds_of_words(text)


_SYLLABLES = ("an ninh Tổ quốc tổ quốc Thanh Hóa thanh hoá Công an xã ANTQ UBND Nguyễn Văn "
              "thi ngày hội toàn dân bảo vệ 2023 19 8 Chủ tịch phó HÀ NỘI Đà Nẵng , . - ( ) “ ”")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_SYLLABLES.split()), min_size=1, max_size=30))
def test_features_label_any_line_as_pyvi_does(tokens: list[str]) -> None:
    _same_labels_as_pyvi(" ".join(tokens))


def test_abbreviations_both_ways() -> None:
    table = abbreviations()
    assert ("an", "ninh", "tổ", "quốc") in table.alternatives(("antq",))
    assert ("antq",) in table.alternatives(("an", "ninh", "tổ", "quốc"))
    assert ("ủy", "ban", "nhân", "dân") in table.alternatives(("ubnd",))
    assert ("antt",) in table.alternatives(("an", "ninh", "trat", "tu"), folded=True)
