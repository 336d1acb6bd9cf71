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
import math
import re
import unicodedata
from collections.abc import Callable

from components.core.messages import Msg, UserError, render

__all__ = ["MAX_CHARS", "clean_text", "escape", "fixed", "normalize_text", "number", "shown_table", "teacher_details"]

MAX_CHARS = 20_000  # beyond this even a 512-token window is a small prefix; refuse early
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")  # ">" and "<" become entities



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


def number(value: float, *, sign: bool = False, decimals: int = 4, significant: int = 2) -> str:
    """``value`` with ``decimals`` decimals, or more when that would leave fewer than ``significant``
    significant digits: a change of 0.000061 reads "+0.000061", never "+0.0000" (at most 12 decimals)."""
    x = float(value)
    plain = 10 ** (significant - 1 - decimals)  # below this, ``decimals`` decimals keep too few digits
    if x != 0 and math.isfinite(x) and abs(x) < plain:
        more = significant - 1 - math.floor(math.log10(abs(x)))
        rounded = round(x, more)  # 0.00996 to one digit is 0.010: rounding may carry into the next digit
        if abs(rounded) < plain:  # (when it reaches ``plain``, the plain format writes it: "0.01", not "0.010")
            decimals = min(12, significant - 1 - math.floor(math.log10(abs(rounded)) + 1e-9))
    return f"{x:{'+' if sign else ''}.{decimals}f}"


def shown_table(headers: list[str], rows: list[list], formats: dict[int, Callable[[float], str]]) -> dict:
    """A table whose numbers sort as numbers and read as written beside it: column ``i`` in ``formats`` is shown
    as ``formats[i](cell)`` ("0.800", not "0.8"; four decimals as the note has them), the cell keeping its number
    (to seven significant digits: what a float32 model computed, without its binary noise).
    The shape is the value Gradio's Dataframe takes (``metadata.display_value``); the CSV gets the numbers."""
    display = [[formats[i](cell) if i in formats and isinstance(cell, (int, float)) else str(cell)
                for i, cell in enumerate(row)] for row in rows]
    # the CSV and the API get the numbers to float32's seven significant digits (0.605, not 0.6050000190734863)
    rows = [[float(f"{cell:.7g}") if isinstance(cell, float) else cell for cell in row] for row in rows]
    return {"headers": headers, "data": rows,
            "metadata": {"display_value": display, "styling": [[""] * len(row) for row in rows]}}


def fixed(decimals: int) -> Callable[[float], str]:
    """A column format with ``decimals`` decimals, trailing zeros kept."""
    return lambda value: f"{float(value):.{decimals}f}"


def teacher_details(message: Msg | None, lang: str) -> str:
    """The part of a message meant for whoever runs the machine (``teacher=Msg(...)``: a command to run
    where there is internet), folded away under "For the teacher" so that a student reads only what to do;
    ``code`` in backticks stays code. HTML that toasts and Markdown both show; empty when there is none."""
    teacher = message.params.get("teacher") if message is not None else None
    if not isinstance(teacher, Msg):
        return ""
    parts = escape(render(teacher, lang)).split("`")
    body = "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))
    return (f"<details class='bl-teacher'><summary>{escape(render(Msg('teacher_note'), lang))}</summary>"
            f"{body}</details>")
