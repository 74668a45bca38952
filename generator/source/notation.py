"""Footnotes, definition lists and TeX math in bodies (mdit-py-plugins), rendered as the site shows them.

Footnotes take Python-Markdown's markup, which the theme styles, and ids no heading anchor can have
(`fn:2`, `fnref:2`); TeX is kept as its authors wrote it, delimiters and all, since no script
typesets it.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.source.sanitise import escape, mark_own_id


def use_notation(md: MarkdownIt) -> None:
    md.use(footnote_plugin).use(deflist_plugin)
    # Pandoc's rule for `$`: no space inside the delimiters and no digit after the closing one, so
    # "$5 and $10" stays money.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    for name in ("math_inline", "math_inline_double", "math_block", "math_block_label"):
        md.add_render_rule(name, _render_math)
    for name, rule in _FOOTNOTE_RULES.items():
        md.add_render_rule(name, rule)


def _render_math(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    tex = escape(token.content.strip())
    if token.type == "math_inline":
        return f'<span class="math">${tex}$</span>'
    if token.type == "math_inline_double":
        return f'<span class="math">$${tex}$$</span>'
    label = f" ({escape(token.info)})" if token.type == "math_block_label" else ""
    return f'<div class="math">$$\n{tex}\n$${label}</div>\n'


def _footnote_ids(token: Token, env: EnvType) -> tuple[str, str]:
    """(the note's id, this reference's id): `fn:2`, and `fnref:2`, `fnref:2:1` for its second use."""
    prefix = env.get("anchor_prefix", "")
    number = token.meta["id"] + 1
    sub = token.meta.get("subId", 0)
    return f"{prefix}fn:{number}", f"{prefix}fnref:{number}" + (f":{sub}" if sub > 0 else "")


def _footnote_ref(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    note, ref = _footnote_ids(tokens[idx], env)
    number = tokens[idx].meta["id"] + 1
    return f'<sup id="{mark_own_id(env, ref)}"><a class="footnote-ref" href="#{note}">{number}</a></sup>'


def _footnote_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    note, _ = _footnote_ids(tokens[idx], env)
    return f'<li id="{mark_own_id(env, note)}">'


def _footnote_anchor(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
    _, ref = _footnote_ids(tokens[idx], env)
    return f' <a class="footnote-backref" href="#{ref}" title="Back to the text">\u21a9\ufe0e</a>'


_FOOTNOTE_RULES = {
    "footnote_ref": _footnote_ref,
    "footnote_open": _footnote_open,
    "footnote_anchor": _footnote_anchor,
    "footnote_close": lambda *_: "</li>\n",
    "footnote_block_open": lambda *_: '<div class="footnote">\n<hr>\n<ol>\n',
    "footnote_block_close": lambda *_: "</ol>\n</div>\n",
}
