"""A body as its readers read it, in tokens: the one input of every diff, on the server and in the browser.

The body is parsed once by the site's own Markdown parser (generator.source.markup) and flattened into
clauses of tokens: words, runs of spaces and single signs, as the page shows them. Wiki-links read as
their link text, soft line breaks as spaces, runs of spaces as one, so reflowed lines and trailing
spaces give the same tokens as before: no visible change. Structure stays, as two kinds of token:

- a word inside emphasis, code or a link is `MARKED + marks + MARKED + word`, so "**shall**" differs
  from "shall" as it does for a reader;
- each paragraph, list item, quote, table cell or code block starts with `BLOCK + path`, the path of
  containers it stands in (`ul+ li+ p`: a paragraph opening a new item of a new list). A change inside
  a list item is then a change inside that item.

Neither kind can be mistaken for a word: the token pattern makes every other token that starts with a
sign exactly one character long. The browser receives these tokens and never parses Markdown.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from generator.source import markup

LinkText = Callable[[str, str], str | None]
"""(agreement id, clause anchor) -> the words a `[[link]]` without words of its own shows; None when
it leads nowhere (`Charter.link_text`)."""

MARKED = "\ue000"
BLOCK = "\ue001"
NOTES_ANCHOR, NOTES_TITLE = "fn:notes", "Notes"
"""Footnotes read as a clause of their own, at the end, as the page shows them; the `:` keeps the
anchor apart from every heading's (a slug never holds one)."""
MARK_ORDER = "aisedc"
"""Link, image, strong, emphasis, deletion, code: outermost first when marks nest."""
_MARK_OF = {"link": "a", "strong": "s", "em": "e", "s": "d"}
_CONTAINERS = {"blockquote": "q", "bullet_list": "ul", "ordered_list": "ol", "list_item": "li",
               "table": "table", "tr": "tr"}
_LEAVES = {"paragraph_open", "heading_open", "th_open", "td_open"}
_LEAF_CLOSES = {"paragraph_close", "heading_close", "th_close", "td_close"}
_IGNORED = {"thead_open", "thead_close", "tbody_open", "tbody_close"}

# Words, runs of whitespace, and single other characters: concatenated they give back the text.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
COLLAPSED = re.compile(r"[ \t\n\r\f\v]+")
"""The spaces HTML shows as one; a no-break space is kept, as the page keeps it."""
_RUN_TOKEN = re.compile(r"\w+| |\n|[^\S \t\n\r\f\v]+|[^\w\s]")
"""TOKEN for a run whose spaces are collapsed, where each space and each hard break (the only "\\n") is
a token of its own, as it is between two pieces; other spaces (a no-break one) are TOKEN's."""


def interned(tokens: Iterable[str]) -> tuple[str, ...]:
    """One string object per distinct token: a build holds every version's reading until its history page is
    written, and the same words recur from version to version, so this keeps a few copies, not millions."""
    return tuple(map(sys.intern, tokens))


@dataclass(frozen=True)
class ClauseText:
    """A clause's tokens without its heading; the preamble has anchor and title ""."""

    anchor: str
    title: str
    tokens: tuple[str, ...]

    @property
    def is_preamble(self) -> bool:
        return self.anchor == ""


@dataclass(frozen=True)
class Link:
    """A link as read: its words and where it goes (`id`, `id#clause`, a URL, an image's source)."""

    text: str
    target: str
    kind: str = "link"


@dataclass(frozen=True)
class ReadingForm:
    """One version's body as read: the preamble, then each `##` clause; its links; a digest of the source."""

    clauses: tuple[ClauseText, ...]
    links: tuple[Link, ...] = ()
    digest: str = ""

    def to_json(self) -> list[Any]:
        return [[[c.anchor, c.title, list(c.tokens)] for c in self.clauses],
                [[link.text, link.target, link.kind] for link in self.links], self.digest]

    @classmethod
    def from_json(cls, data: Any) -> ReadingForm:
        clauses, links, digest = data
        return cls(tuple(ClauseText(str(a), str(t), interned(tokens)) for a, t, tokens in clauses),
                   tuple(Link(str(text), str(target), str(kind)) for text, target, kind in links),
                   str(digest))


def marked(marks: str, text: str) -> str:
    return f"{MARKED}{marks}{MARKED}{text}" if marks else text


def parts(token: str) -> tuple[str, str]:
    """(marks, text) of a word token; ("", token) for a plain one."""
    if len(token) > 1 and token[0] == MARKED:
        end = token.index(MARKED, 1)
        return token[1:end], token[end + 1:]
    return "", token


def is_block(token: str) -> bool:
    return len(token) > 1 and token[0] == BLOCK


def plain_text(tokens: Iterable[str]) -> str:
    """The words alone, a blank line between blocks: for summaries, tests and link tables."""
    pieces: list[str] = []
    for token in tokens:
        if is_block(token):
            if pieces:
                pieces.append("\n\n")
        else:
            pieces.append(parts(token)[1])
    return "".join(pieces)


def source_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def link_fingerprint(body: str, link_text: LinkText | None) -> str:
    """What a body's link texts depend on, for a cache key: the resolved text of every `[[link]]` it
    may hold (a scan, not a parse, so a cached reading costs no Markdown)."""
    digest = hashlib.sha256()
    for match in markup.WIKILINK.finditer(body):
        text = link_text(match.group(1), match.group(2) or "") if link_text is not None else None
        digest.update(f"{match.group(0)}\0{text or ''}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


# --- inline text ---------------------------------------------------------------------------


def _canonical(letters: Iterable[str]) -> str:
    return "".join(letter for letter in MARK_ORDER if letter in set(letters))


def _wikilink_text(meta: dict[str, Any], link_text: LinkText | None) -> str:
    """The words the page shows for a `[[link]]`, as markup renders it, broken or not."""
    text = link_text(meta["target"], meta["anchor"]) if link_text is not None else None
    return str(meta["label"] or (meta["target"] if text is None else text))


class _Inline:
    """Collects one inline run as (marks, text) pieces, then gives its tokens, spaces collapsed."""

    def __init__(self, link_text: LinkText | None, links: list[Link]) -> None:
        self.link_text, self.links = link_text, links
        self.pieces: list[tuple[str, str]] = []

    def add(self, marks: str, text: str) -> None:
        if text:
            self.pieces.append((marks, COLLAPSED.sub(" ", text)))  # so only a hard break holds a "\n"

    def read(self, children: Sequence[Token]) -> None:
        open_marks: list[str] = []
        link_start, href = 0, ""
        for child in children:
            kind, marks = child.type, _canonical(open_marks)
            if kind in {"text", "text_special", "html_inline"}:
                self.add(marks, child.content)
            elif kind == "softbreak":
                self.add(marks, " ")
            elif kind == "hardbreak":
                self.pieces.append((marks, "\n"))
            elif kind.removesuffix("_open") in _MARK_OF:
                open_marks.append(_MARK_OF[kind.removesuffix("_open")])
                if kind == "link_open":
                    link_start, href = len(self.pieces), str(child.attrGet("href") or "")
            elif kind.removesuffix("_close") in _MARK_OF:
                if open_marks:
                    open_marks.pop()  # markdown-it closes what it opened, innermost first
                if kind == "link_close":
                    words = " ".join("".join(text for _, text in self.pieces[link_start:]).split())
                    self.links.append(Link(words, href))
            elif kind == "wikilink":
                meta = child.meta
                text = _wikilink_text(meta, self.link_text)
                self.add(_canonical([*open_marks, "a"]), text)
                anchor = f"#{meta['anchor']}" if meta["anchor"] else ""
                self.links.append(Link(" ".join(text.split()), f"{meta['target']}{anchor}"))
            elif kind == "image":
                self.add(_canonical([*open_marks, "i"]), child.content)
                source = str(child.attrGet("src") or "")
                self.links.append(Link(" ".join(child.content.split()), source, "image"))
            elif kind == "code_inline" or child.content:  # code, and math or the like: as written
                self.add(_canonical([*open_marks, "c"]), child.content)

    def tokens(self) -> list[str]:
        """Spaces collapsed as a page shows them: none at either end or beside a line break. The pieces
        are gathered into runs of one marking, each split into tokens at once: a step per piece, not
        per word."""
        runs: list[tuple[str, list[str]]] = []
        last = ""  # the last character kept: "" before any, " ", "\n" (a hard break), or "w" (another)
        for marks, text in self.pieces:
            if text == "\n":
                if last == " ":
                    _drop_last_space(runs)
            elif text[0] == " " and last in {"", " ", "\n"}:
                text = text[1:]
                if not text:
                    continue
            if runs and runs[-1][0] == marks:
                runs[-1][1].append(text)
            else:
                runs.append((marks, [text]))
            last = text[-1] if text[-1] in {" ", "\n"} else "w"
        if last == " ":
            _drop_last_space(runs)
        found: list[str] = []
        split = _RUN_TOKEN.findall
        for marks, texts in runs:  # most text has no marks: its words are its tokens
            words = split("".join(texts))
            found.extend((marked(marks, word) for word in words) if marks else words)
        return found


def _drop_last_space(runs: list[tuple[str, list[str]]]) -> None:
    texts = runs[-1][1]
    texts[-1] = texts[-1][:-1]
    if not texts[-1]:
        texts.pop()
        if not texts:
            runs.pop()


def _literal_tokens(content: str) -> list[str]:
    """A code or HTML block keeps its lines and indents; only the spaces no one sees are dropped."""
    lines = [line.rstrip(" \t") for line in content.split("\n")]
    return TOKEN.findall("\n".join(lines).strip("\n"))


# --- blocks ----------------------------------------------------------------------------------


class _Flattener:
    """Walks markdown-it's block tokens, writing each clause's tokens with a path before each block."""

    def __init__(self, link_text: LinkText | None) -> None:
        self.link_text = link_text
        self.links: list[Link] = []
        self.clauses: list[ClauseText] = []
        self.anchor, self.title, self.tokens = "", "", list[str]()
        self.containers: list[list[Any]] = []  # [kind, announced in this clause, blocks inside]

    def block(self, leaf: str, words: Iterable[str]) -> None:
        path = [f"{kind}{'' if announced else '+'}" for kind, announced, _ in self.containers]
        for container in self.containers:
            container[1] = True
            container[2] += 1
        self.tokens.append(BLOCK + " ".join([*path, leaf]))
        self.tokens.extend(words)

    def inline(self, token: Token) -> list[str]:
        reader = _Inline(self.link_text, self.links)
        reader.read(token.children or [])
        return reader.tokens()

    def clause(self, anchor: str, title: str) -> None:
        self.clauses.append(ClauseText(self.anchor, self.title, interned(self.tokens)))
        self.anchor, self.title, self.tokens = anchor, title, []
        for container in self.containers:
            container[1] = False  # a clause that starts inside a list opens the list again

    def walk(self, tokens: Sequence[Token]) -> tuple[tuple[ClauseText, ...], tuple[Link, ...]]:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            kind = token.type
            if kind == "heading_open" and token.tag == markup.CLAUSE_LEVEL:
                self.clause(str(token.attrGet("id") or ""), str(token.meta["title"]))
                index += 2  # its inline text and its closing token
            elif kind == "footnote_block_open":
                self.clause(NOTES_ANCHOR, NOTES_TITLE)  # the page shows the notes after every clause
            elif kind in _LEAVES:
                leaf = {"paragraph_open": "p", "th_open": "th", "td_open": "td"}.get(kind, token.tag)
                inline = tokens[index] if index < len(tokens) and tokens[index].type == "inline" else None
                self.block(leaf, self.inline(inline) if inline is not None else ())
                index += 1 if inline is not None else 0
            elif kind == "inline":
                self.block("p", self.inline(token))  # inline text outside a paragraph (a plugin's block)
            elif kind in _IGNORED or kind in _LEAF_CLOSES:
                continue
            elif token.nesting == 1:
                start = token.attrGet("start") if kind == "ordered_list_open" else None
                name = _CONTAINERS.get(kind.removesuffix("_open"), "div")
                self.containers.append([f"{name}:{start}" if start is not None else name, False, 0])
            elif token.nesting == -1:
                if self.containers:
                    if self.containers[-1][2] == 0:
                        self.block("p", ())  # an empty item or quote still stands in its list
                    self.containers.pop()
            elif kind == "hr":
                self.block("hr", ())
            elif kind in {"fence", "code_block", "html_block"} or token.content:
                self.block("html" if kind == "html_block" else "pre", _literal_tokens(token.content))
        self.clauses.append(ClauseText(self.anchor, self.title, interned(self.tokens)))
        return tuple(self.clauses), tuple(self.links)


def reading_form(body: str, link_text: LinkText | None = None) -> ReadingForm:
    """Parse a body once into its clauses' tokens; `link_text` gives a `[[link]]` the words the page shows."""
    clauses, links = _Flattener(link_text).walk(markup._parser().parse(body))
    return ReadingForm(clauses, links, source_digest(body))
