"""A body read as its page shows it (generator.diffs.reading): clauses, blocks and tokens, the one input of
every diff."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from generator.diffs.reading import NOTES_ANCHOR, is_block, marked, parts, plain_text, reading_form

TITLES = {"valley-accord-2003": "Upper Valley Water Accord (2003)", "seed-compact": "Seed Exchange Compact",
          "river-keepers": "River Keepers' Mandate", "basin-mediators": "Basin Mediators' Charter"}
CLAUSE_TITLES = {("seed-compact", "exchange"): "Exchange days"}


def link_text(target: str, anchor: str) -> str | None:
    """As the site words a link: the target's title, and the clause's after a comma."""
    if target not in TITLES or (anchor and (target, anchor) not in CLAUSE_TITLES):
        return None
    return f"{TITLES[target]}, {CLAUSE_TITLES[target, anchor]}" if anchor else TITLES[target]


def shown(tokens: Sequence[str]) -> str:
    """Tokens as a test reads them: `[ul+ li+ p]` for a block, `<e>word` for a marked word."""
    pieces = []
    for token in tokens:
        marks, text = parts(token)
        pieces.append(f"[{token[1:]}]" if is_block(token) else f"<{marks}>{text}" if marks else text)
    return "".join(pieces)


def clauses(body: str) -> list[tuple[str, str, str]]:
    return [(c.anchor, c.title, shown(c.tokens)) for c in reading_form(body, link_text).clauses]


def test_a_body_reads_as_clauses_with_markup_anchors_and_fenced_headings_as_text() -> None:
    body = ("Intro line.\n\n## Purpose\n\nWe share.\n\n```\n## not a heading\n```\n\n"
            "## Old name {#pinned}\n\nText.\n")
    assert clauses(body) == [
        ("", "", "[p]Intro line."),
        ("purpose", "Purpose", "[p]We share.[pre]## not a heading"),
        ("pinned", "Old name", "[p]Text."),
    ]


def test_a_body_always_starts_with_a_preamble_and_setext_headings_are_clauses() -> None:
    assert clauses("") == [("", "", "")]
    assert clauses("## Only\nbody") == [("", "", ""), ("only", "Only", "[p]body")]
    setext = [("", "", ""), ("setext-title", "Setext title", "[p]body")]
    assert clauses("Setext title\n---\n\nbody\n") == setext


READS_AS: list[tuple[str, str, str]] = [
    ("soft-breaks-join", "one\ntwo  three\t four", "[p]one two three four"),
    ("hard-break-stays", "one  \ntwo\\\nthree", "[p]one\ntwo\nthree"),
    ("emphasis-is-marked", "a *b c* **d** ~~e~~ `f  g`", "[p]a <e>b<e> <e>c <s>d <d>e <c>f<c> <c>g"),
    ("nested-marks-in-order", "***x***", "[p]<se>x"),
    ("links-read-as-their-words", "[the law](https://example.org/law) ![a map](map.png)",
     "[p]<a>the<a> <a>law <i>a<i> <i>map"),
    ("wiki-link-with-words", "[[valley-accord-2003|the 2003 accord]]", "[p]<a>the<a> <a>2003<a> <a>accord"),
    ("wiki-link-reads-the-title", "[[seed-compact]]", "[p]<a>Seed<a> <a>Exchange<a> <a>Compact"),
    ("wiki-link-to-a-clause", "[[seed-compact#exchange]]",
     "[p]<a>Seed<a> <a>Exchange<a> <a>Compact<a>,<a> <a>Exchange<a> <a>days"),
    ("broken-wiki-link-reads-as-the-page-shows-it", "[[missing]] [[missing|its words]]",
     "[p]<a>missing <a>its<a> <a>words"),
    ("lists-nest", "1. one\n2. two\n   - deep\n\n3) new list",
     "[ol+ li+ p]one[ol li+ p]two[ol li ul+ li+ p]deep[ol:3+ li+ p]new list"),
    ("quotes-and-rules", "> said\n> here\n\n---\n\n> again", "[q+ p]said here[hr][q+ p]again"),
    ("tables-by-cell", "| a | b |\n|---|---|\n| 1 | |",
     "[table+ tr+ th]a[table tr th]b[table tr+ td]1[table tr td]"),
    ("code-keeps-its-lines", "```py\nif x:  \n    y()\n```", "[pre]if x:\n    y()"),
    ("sub-headings-are-blocks", "### Notes {#n}\n\nText", "[h3]Notes[p]Text"),
    ("raw-html-stays-as-written", "Say <b>hi</b>.\n\n<div>\nblock\n</div>",
     "[p]Say <b>hi</b>.[html]<div>\nblock\n</div>"),
    ("an-empty-item-still-stands", "- one\n-\n- three", "[ul+ li+ p]one[ul li+ p][ul li+ p]three"),
]


@pytest.mark.parametrize(("body", "expected"), [case[1:] for case in READS_AS],
                         ids=[case[0] for case in READS_AS])
def test_a_body_reads_as_its_page_shows_it(body: str, expected: str) -> None:
    ((_, _, tokens),) = clauses(body)
    assert tokens == expected


TOKENS_AS: list[tuple[str, str, list[str]]] = [
    ("a-hard-break-is-a-token-of-its-own", "a\\\n\\\nb", ["a", "\n", "\n", "b"]),
    ("spaces-beside-a-hard-break-go", "a   \\\n  b", ["a", "\n", "b"]),
    ("a-no-break-space-beside-a-collapsed-one", "a\u00a0  \u00a0b", ["a", "\u00a0", " ", "\u00a0", "b"]),
    ("a-space-keeps-the-marks-it-stands-in", "*a b* c",
     [marked("e", "a"), marked("e", " "), marked("e", "b"), " ", "c"]),
    ("the-first-of-two-spaces-keeps-its-marks", "*a* *b*",
     [marked("e", "a"), " ", marked("e", "b")]),
    ("pieces-of-one-word-are-one-token", "a&amp;b x&#32;y", ["a", "&", "b", " ", "x", " ", "y"]),
    ("no-space-at-either-end", "<b> a </b>", ["<", "b", ">", " ", "a", " ", "<", "/", "b", ">"]),
]


@pytest.mark.parametrize(("body", "expected"), [case[1:] for case in TOKENS_AS],
                         ids=[case[0] for case in TOKENS_AS])
def test_a_body_splits_into_the_tokens_its_page_shows(body: str, expected: list[str]) -> None:
    """Where one token ends and the next starts, which the joined text above cannot show."""
    (preamble,) = reading_form(body).clauses
    assert list(preamble.tokens[1:]) == expected


def test_footnotes_read_as_a_clause_of_their_own_after_the_last() -> None:
    body = "Intro[^1].\n\n## Shares\n\nWe share.\n\n[^1]: A note.\n"
    assert clauses(body) == [
        ("", "", "[p]Intro."),
        ("shares", "Shares", "[p]We share."),
        (NOTES_ANCHOR, "Notes", "[div+ p]A note."),
    ]


def test_plain_text_joins_words_and_parts_blocks() -> None:
    (preamble,) = reading_form("Say *hi*\nthere.\n\n- one").clauses
    assert plain_text(preamble.tokens) == "Say hi there.\n\none"
