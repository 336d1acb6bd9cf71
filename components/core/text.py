"""User text in, user text out: cleaning what a student types, and the one escape helper that
every renderer (plotly labels, Markdown, HTML, toasts) uses for it.

Design decision: text is cleaned once, on the way in (NFC, control characters become spaces, a
length limit with the fix in the message), and escaped once, on the way out, by ``escape``,
whichever renderer shows it. Plotly interprets a subset of HTML in labels and Gradio's Markdown
renders HTML too, so both get ``&lt;``; Markdown additionally gets its punctuation
backslash-escaped so ``**`` or `` ` `` typed by a student stays literal.
"""

from __future__ import annotations

import html
import re
import unicodedata

from components.core.messages import Msg, UserError, register

__all__ = ["MAX_CHARS", "clean_text", "escape", "normalize_text"]

MAX_CHARS = 20_000  # beyond this even a 512-token window is a small prefix; refuse early
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")  # ">" and "<" become entities

register({
    "text_what_text": ("text", "文本"),
    "text_what_second": ("second sentence", "第二个句子"),
    "text_empty": ("The {what} is empty: type a sentence first.", "{what}是空的：请先输入一个句子。"),
    "text_not_string": ("The {what} must be a string.", "{what}必须是字符串。"),
    "text_too_long": (
        "The {what} has {n:,} characters; BERT reads at most 512 tokens. Paste at most {limit:,} characters "
        "(a paragraph or two).",
        "{what}有 {n:,} 个字符；BERT 最多读取 512 个词元。请粘贴不超过 {limit:,} 个字符（一两段话）。"),
})


def normalize_text(text: str) -> str:
    """NFC, stripped, with NUL, other control characters and lone surrogates turned into spaces
    (noise to BERT, and they break JSON and some renderers)."""
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cs"} and c not in "\t\n" else c for c in text)
    return unicodedata.normalize("NFC", text).strip()


def clean_text(text: str | None, what: Msg | None = None) -> str:
    """Normalise user text; raise ``UserError`` with the fix when nothing usable is left."""
    what = what or Msg("text_what_text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise UserError("text_not_string", what=what)
    text = normalize_text(text)
    if not text:
        raise UserError("text_empty", what=what)
    if len(text) > MAX_CHARS:
        raise UserError("text_too_long", what=what, n=len(text), limit=MAX_CHARS)
    return text


def escape(text: object, *, markdown: bool = False, limit: int | None = None) -> str:
    """User text made inert for a renderer: HTML-escaped (plotly, HTML, toasts), and with
    ``markdown=True`` also Markdown punctuation escaped; ``limit`` shortens it with an ellipsis."""
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    if markdown:  # Markdown punctuation first: the entities html.escape writes must stay intact
        text = _MARKDOWN.sub(r"\\\1", text)
    return html.escape(text, quote=True)
