"""Agreement files as bytes -> located fields and body: encodings, line endings, fences, line numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.source.documents import MAX_FILE_BYTES, DocumentError, SourceDocument, decode, read_document
from generator.checks.problems import Problem

PATH = "agreements/water.md"
TEXT = (
    "---\n"                          # 1
    "title: Water\n"                 # 2
    "status: in-force\n"             # 3
    "parties:\n"                     # 4
    "  - river-collective\n"         # 5
    "  # a comment\n"                # 6
    "  - valley-farmers\n"           # 7
    "themes: [nature-diversity, labour-capital]\n"  # 8
    "adopted: 2020-03-01\n"          # 9
    "---\n"                          # 10
    "## Purpose\n"                   # 11
    "\n"
    "To share.\n"
)


def read(data: bytes | str) -> SourceDocument:
    return read_document(PATH, data.encode() if isinstance(data, str) else data)


def refused(data: bytes | str) -> Problem:
    with pytest.raises(DocumentError) as caught:
        read(data)
    return caught.value.problem


def test_keys_and_list_items_carry_their_1_based_file_lines() -> None:
    doc = read(TEXT)
    assert {key: located.line for key, located in doc.fields.items()} == {
        "title": 2, "status": 3, "parties": 4, "themes": 8, "adopted": 9}
    assert doc.fields["parties"].item_lines == (5, 7)
    assert doc.fields["themes"].item_lines == (8, 8)
    assert doc.fields["adopted"].value == dt.date(2020, 3, 1)
    assert doc.body == "## Purpose\n\nTo share.\n"
    assert doc.body_line == 11
    assert doc.line_of("title") == 2
    assert doc.line_of("absent") == 1


@pytest.mark.parametrize("data", [
    "\ufeff" + TEXT,
    TEXT.replace("\n", "\r\n"),
    TEXT.replace("\n", "\r"),
    "\ufeff" + TEXT.replace("\n", "\r\n"),
], ids=["bom", "crlf", "cr", "bom-crlf"])
def test_bom_and_line_endings_change_nothing(data: str) -> None:
    assert read(data) == read(TEXT)
    assert read(data).body == "## Purpose\n\nTo share.\n"


def test_three_dots_close_the_front_matter() -> None:
    doc = read(TEXT.replace("adopted: 2020-03-01\n---\n", "adopted: 2020-03-01\n...\n"))
    assert doc == read(TEXT)


def test_fences_may_carry_trailing_spaces() -> None:
    assert read(TEXT.replace("---\n", "---  \n")) == read(TEXT)


def test_an_empty_body_is_kept_for_the_rules_to_report() -> None:
    doc = read("---\ntitle: Water\n---\n")
    assert (doc.body, doc.body_line) == ("", 4)


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert read("---\n---\nBody.\n").fields == {}


def test_non_utf8_bytes_are_reported_at_their_line() -> None:
    found = refused(TEXT.encode() + b"Caf\xe9 au lait.\n")
    assert found.format() == (
        "agreements/water.md:14: error[encoding]: the file is not valid UTF-8\n"
        "  help: save the file as UTF-8")


def test_a_utf16_file_is_an_encoding_problem() -> None:
    assert refused(TEXT.encode("utf-16")).code == "encoding"


def test_the_size_limit() -> None:
    at_limit = TEXT + "x" * (MAX_FILE_BYTES - len(TEXT))
    assert len(read(at_limit).body) > 0
    found = refused(at_limit + "x")
    assert (found.path, found.line, found.code) == (PATH, 1, "file-too-large")
    assert found.message == "the file is 1,000,001 bytes; the limit is 1,000,000"


def test_decode_returns_normalised_text() -> None:
    assert decode(PATH, b"\xef\xbb\xbfa\r\nb\rc\n") == "a\nb\nc\n"


@pytest.mark.parametrize("data, line, code", [
    ("title: Water\n---\nBody.\n", 1, "front-matter-missing"),
    ("\n---\ntitle: Water\n---\nBody.\n", 1, "front-matter-missing"),
    ("", 1, "front-matter-missing"),
    ("---\ntitle: Water\n", 1, "front-matter-unclosed"),
    ("---\ntitle: Water\nstatus: draft\nstatus: draft\n---\n", 4, "yaml-duplicate-key"),
    ("---\ntitle: Water\nstatus: [draft\n---\n", 3, "yaml-syntax"),
    ("---\ntitle: Water\n\nstatus: !!python/object/apply:os.system ['id']\n---\n", 4, "yaml-tag"),
    ("\ufeff---\r\ntitle: Water\r\ntitle: Again\r\n---\r\n", 3, "yaml-duplicate-key"),
], ids=["no-opening-fence", "blank-first-line", "empty-file", "unclosed", "duplicate-key", "syntax",
        "python-tag", "duplicate-key-bom-crlf"])
def test_defects_point_at_the_file_line(data: str, line: int, code: str) -> None:
    found = refused(data)
    assert (found.path, found.line, found.code) == (PATH, line, code)


def test_yaml_too_large_through_a_document() -> None:
    laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    laughs += [f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]" for prev, name in zip("abcdefgh", "bcdefghi")]
    found = refused("---\ntitle: Water\n" + "\n".join(laughs) + "\n---\nBody.\n")
    assert found.format() == (
        "agreements/water.md:3:32: error[yaml-too-large]: the YAML expands to more than 20000 values\n"
        "  help: remove anchors and aliases (&name / *name); front matter never needs them")
