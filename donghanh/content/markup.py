"""Markdown to safe HTML for articles, and to plain words for search.

Authors write CommonMark. Raw HTML is never passed through: the parser escapes it, and the result
is cleaned again with an allow-list, so a link can only be http(s), mailto or tel.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote",
    "code", "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "html": False makes raw HTML in the source plain text; tables help compare options.
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _demote_headings(tokens: list[Token]) -> None:
    """The page's title is the only h1: a `#` heading in the body becomes an h2."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def render_markdown(source: str) -> str:
    """Safe HTML for an article body."""
    parser = _parser()
    tokens = parser.parse(source)
    _demote_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


def markdown_plain_text(source: str) -> str:
    """The words a reader sees, without Markdown marks or link addresses."""
    parts: list[str] = []
    for token in _parser().parse(source):
        if token.type == "inline" and token.children:
            parts.extend(child.content for child in token.children if child.type == "text")
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return " ".join(parts)
