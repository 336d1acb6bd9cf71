"""What the student types into the Polysemy tab: 'sense | sentence' lines, a target word, a span.

Design decision: a target is always a *character span* of the cleaned sentence, found here and
handed to ``core.analysis.char_span_to_tokens`` (the one span->token function), so a word split
into WordPieces, a Chinese word of two characters (苹果 = 苹 + 果), accents stripped by an uncased
vocabulary and a repeated word all take the same path, and a target that is absent is an error
naming the line, never a guess.

Locating the first occurrence folds case (and accents, when the tokenizer strips them) for
uncased models; a Latin-script target must start and end on a word boundary, except for the
inflections -s, -es, -ed, -ing ("banks" is found for "bank", "embankment" is not).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from components.core.analysis import MAX_CHARS, clean_text, normalize_text
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel

__all__ = ["MAX_SENTENCES", "MAX_TARGET", "Line", "clean_target", "folding", "locate", "parse_lines", "parse_span"]

SUFFIXES = ("", "s", "es", "ed", "ing")
MAX_SENTENCES = 64  # each sentence is one forward pass; the built-in sets have 16-22
MAX_TARGET = 100  # a word or a short phrase


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the pasted text
    sense: str
    text: str  # cleaned exactly as the model reads it
    span: tuple[int, int] | None  # explicit target span, if the line gives one


def parse_span(raw: str | None, where: Msg | None = None) -> tuple[int, int] | None:
    """'12:16' -> (12, 16); empty -> None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    where = where or Msg("poly_where_span")
    try:
        start, end = (int(p) for p in raw.split(":"))
    except ValueError:
        raise UserError("poly_span_format", where=where, raw=raw[:30]) from None
    if not 0 <= start < end:
        raise UserError("poly_span_order", where=where, raw=raw[:30])
    return start, end


def parse_lines(text: str | None) -> list[Line]:
    """Parse ``sense | sentence`` (optionally ``| start:end``) lines; blank and # lines are skipped.
    At least two sentences (two senses are checked where they are compared)."""
    text = text or ""
    if len(text) > MAX_CHARS:
        raise UserError("poly_too_long", n=len(text), limit=MAX_CHARS, most=MAX_SENTENCES)
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if len(lines) == MAX_SENTENCES:
            raise UserError("poly_too_many", line=number, most=MAX_SENTENCES)
        parts = [p.strip() for p in raw.split("|")]
        # the sense is checked as it is kept: a control character alone normalises to nothing
        sense = normalize_text(parts[0])[:80] if parts else ""
        if len(parts) not in (2, 3) or not sense or not parts[1]:
            raise UserError("poly_line_format", line=number, raw=repr(raw[:80]))
        span = parse_span(parts[2], Msg("poly_where_span_line", line=number)) if len(parts) == 3 else None
        sentence = clean_text(parts[1], Msg("poly_what_sentence", line=number))
        lines.append(Line(number, sense, sentence, span))
    if len(lines) < 2:
        raise UserError("poly_two_sentences")
    return lines


def clean_target(raw: str | None) -> str:
    """The target word as the sentences are cleaned; UserError when empty or longer than a short phrase."""
    target = normalize_text(raw if isinstance(raw, str) else "")
    if not target:
        raise UserError("poly_target_empty")
    if len(target) > MAX_TARGET:
        raise UserError("poly_target_long", n=len(target), limit=MAX_TARGET)
    return target


def folding(model: LoadedModel) -> tuple[bool, bool]:
    """How the tokenizer normalises text before matching: (lowercase, strip accents)."""
    tok = model.tokenizer
    lower = bool(getattr(tok, "do_lower_case", False))
    strip = getattr(tok, "init_kwargs", {}).get("strip_accents")
    return lower, bool(strip) or (strip is None and lower)


def _fold(text: str, lower: bool, strip: bool) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    out, where = [], []
    for i, ch in enumerate(text):
        piece = unicodedata.normalize("NFD", ch) if strip else ch
        if strip:
            piece = "".join(c for c in piece if unicodedata.category(c) != "Mn")
        if lower:
            piece = piece.lower()
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


def _wordish(ch: str) -> bool:
    return ch.isalnum() and ord(ch) < 0x2E80  # CJK and later scripts have no spaces between words


def locate(text: str, target: str, *, lower: bool = True, strip: bool = True) -> tuple[int, int]:
    """Character span of the first occurrence of ``target`` in ``text`` (see module docstring)."""
    target = unicodedata.normalize("NFC", (target or "").strip())
    if not target:
        raise UserError("poly_target_empty")
    for exact in (True, False):  # a cased model still finds 'Spring' for 'spring'
        hay, where = _fold(text, lower or not exact, strip)
        needle, _ = _fold(target, lower or not exact, strip)
        if not needle:
            break
        pos = hay.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            before_ok = pos == 0 or not (_wordish(hay[pos - 1]) and _wordish(needle[0]))
            tail = ""
            while end + len(tail) < len(hay) and _wordish(hay[end + len(tail)]) and _wordish(needle[-1]):
                tail += hay[end + len(tail)]
            if before_ok and tail in SUFFIXES:
                return where[pos], where[end - 1] + 1
            pos = hay.find(needle, pos + 1)
    raise UserError("poly_not_in_sentence", target=target[:60], sentence=text[:60])
