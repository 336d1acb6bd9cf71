"""What the Pre-training tab shows: notes, tables, links and figures, rendered in the student's language.

Design decision: no gradio here and no model run, so the tab's handlers stay wiring (compute, then one
``*_outputs`` function per endpoint, in the order of its outputs) and the same text can be checked by
tests without a browser. Every piece of user text or vocabulary goes through
``escape(markdown=True)``; links carry the sentence URL-encoded (``quote_plus`` encodes the
brackets and parentheses that would end a Markdown link).
"""

from __future__ import annotations

from urllib.parse import urlencode

import plotly.graph_objects as go

from components.core.analysis import Analysis
from components.core.messages import Msg, UserError, render, t
from components.core.models import LoadedModel
from components.core.text import escape, teacher_details
from components.pretraining.compute import FillResult, Guess
from components.pretraining.figures import KIND_KEYS, attention_figure, fill_figure, nsp_input_figure, recipe_figure
from components.pretraining.heads import Choice
from components.pretraining.recipe import Draw, Recovery, summary

__all__ = ["bias_markdown", "error_markdown", "fill_markdown", "fill_outputs", "fill_table", "link", "note_markdown",
           "nsp_markdown", "nsp_outputs", "reads_markdown", "recipe_outputs", "recipe_table", "status_markdown",
           "unanswered_outputs", "word_choices"]
FILL_COLUMNS = ("blank", "position", "rank", "piece", "probability")
FILL_COLUMN_KEYS = {
    "blank": "pre_col_blank", "position": "pre_col_position", "rank": "pre_col_rank", "piece": "pre_col_piece",
    "probability": "pre_col_probability",
}
RECIPE_COLUMNS = ("position", "original", "kind", "shown", "top", "probability", "original_prob", "hit")


def _md(text: str) -> str:
    return escape(text, markdown=True)


def link(label_key: str, lang: str, **query: str) -> str:
    """A Markdown link to another lesson's view of the same text (the shell's deep links)."""
    return t(label_key, lang, url="?" + urlencode(query))


def word_choices(words) -> list[tuple[str, str]]:
    """(label, value) for the word checkboxes: 'hummingbird (hum · ##ming · ##bird)' when split."""
    out = []
    for w in words:
        split = len(w.pieces) > 1 or w.pieces[0].lower() != w.text.lower()
        out.append((f"{w.text} ({' · '.join(w.pieces)})" if split else w.text, str(w.number)))
    return out


def reads_markdown(tokens, lang: str) -> str:
    return t("pre_reads", lang, tokens=" ".join(f"**{_md(tok)}**" if tok == "[MASK]" else _md(tok) for tok in tokens))


def _guess_lines(guesses: list[Guess], model: LoadedModel, lang: str) -> list[str]:
    lines = [t("pre_guess_pieces", lang, n=len(guesses))] if len(guesses) > 1 else []
    vocab = len(model.tokenizer.get_vocab())
    for g in guesses:
        if g.rank is None:
            lines.append(t("pre_guess_unknown", lang, piece=_md(g.piece), model=_md(model.name)))
        else:
            lines.append(t("pre_guess_result", lang, piece=_md(g.piece), n=g.mask + 1, rank=g.rank, vocab=vocab,
                           prob=g.prob))
    return lines


def note_markdown(note: Msg, lang: str) -> str:
    """A note about the model choice, with its part for the teacher folded away."""
    return render(note, lang, escape=_md) + teacher_details(note, lang)


def fill_markdown(result: FillResult, model: LoadedModel, guesses: list[Guess], note: Msg | None, lang: str,
                  text: str) -> str:
    lines = [note_markdown(note, lang)] if note else []
    lines.append(reads_markdown(result.tokens, lang))
    lines += _guess_lines(guesses, model, lang)
    for i, mask in enumerate(result.masks):
        if mask.answer is not None:
            lines.append(t("pre_answer", lang, n=i + 1, answer=_md(mask.answer), rank=mask.answer_rank,
                           prob=mask.answer_prob))
    if result.hidden:
        lines.append(t("pre_hidden", lang, n=result.hidden))
    masked_text = " ".join(tok for tok in result.tokens if tok not in ("[CLS]", "[SEP]")).replace(" ##", "")
    lines.append(link("pre_attention_link", lang, tab="attention", text=masked_text))
    return "\n\n".join(lines)


def status_markdown(choice: Choice, lang: str) -> str:
    """The line saying which model answers (or which models would, and how to get one)."""
    if choice.note:
        return note_markdown(choice.note, lang)
    return t("pre_using", lang, model=_md((choice.model or choice.asked).name))


def error_markdown(err: UserError, lang: str) -> str:
    """A problem with the sentence, said in the status line while it is being typed (no toast)."""
    return escape(err.render(lang))


def fill_outputs(result: FillResult, model: LoadedModel, guesses: list[Guess], note: Msg | None, lang: str,
                 text: str) -> tuple[go.Figure, str, go.Figure, dict]:
    """(the top pieces per blank, the note, attention from each blank, the table) for a fill-in."""
    heads = int(model.config.num_attention_heads)
    return (fill_figure(result, lang, text), fill_markdown(result, model, guesses, note, lang, text),
            attention_figure(result, lang, heads, text), fill_table(result, lang))


def unanswered_outputs(tokens, note: Msg | None, lang: str) -> tuple[None, str, None, dict]:
    """What BERT would read, and why nothing is predicted: ``note`` (no model here has the head) or, when
    ``note`` is None, that the student's guess comes first."""
    why = note_markdown(note, lang) if note else t("pre_guess_needed", lang)
    return None, reads_markdown(tokens, lang) + "\n\n" + why, None, fill_table(None, lang)


def fill_table(result: FillResult | None, lang: str) -> dict:
    rows = [] if result is None else [
        [i + 1, m.position, rank + 1, piece, round(p, 4)]
        for i, m in enumerate(result.masks) for rank, (piece, p) in enumerate(zip(m.pieces, m.probs))]
    return {"headers": [t(FILL_COLUMN_KEYS[c], lang) for c in FILL_COLUMNS], "data": rows}


def recipe_table(result: Draw, shown: tuple[str, ...], rows: list[Recovery] | None, lang: str) -> dict:
    found = {r.position: r for r in rows or []}
    data = []
    for position in result.chosen:
        r = found.get(position)
        data.append([position, result.analysis.tokens[position], t(KIND_KEYS[result.kinds[position]], lang),
                     shown[position], r.top if r else "–", round(r.top_prob, 4) if r else "–",
                     round(r.original_prob, 4) if r else "–", t("pre_yes" if r.hit else "pre_no", lang) if r else "–"])
    headers = ["pre_col_position", "pre_col_original", "pre_col_kind", "pre_col_shown", "pre_col_top",
               "pre_col_probability", "pre_col_original_prob", "pre_col_hit"]
    return {"headers": [t(h, lang) for h in headers], "data": data}


def recipe_outputs(drawn: Draw, shown: tuple[str, ...], rows: list[Recovery] | None, note: Msg | None, lang: str,
                   text: str) -> tuple[go.Figure, str, dict]:
    """(the pieces as drawn, what was drawn and recovered, the table) for the masking recipe."""
    lines = [render(summary(drawn, rows), lang)]
    if note:
        lines.append(note_markdown(note, lang))
    return recipe_figure(drawn, shown, lang, text), "\n\n".join(lines), recipe_table(drawn, shown, rows, lang)


def nsp_outputs(analysis: Analysis, p: float | None, note: Msg | None, lang: str) -> tuple[go.Figure, str]:
    """(the pair as BERT reads it, P(IsNext) and the link to Tokens) for next-sentence prediction."""
    return nsp_input_figure(analysis, lang), nsp_markdown(p, note, analysis.text, analysis.text_pair, lang)


def nsp_markdown(p: float | None, note: Msg | None, a: str, b: str, lang: str) -> str:
    lines = [note_markdown(note, lang)] if note else []
    if p is not None:
        lines.append(t("pre_nsp_follows" if p >= 0.5 else "pre_nsp_random", lang, p=p))
    lines.append(link("pre_tokens_link", lang, tab="tokens", text=a, pair=b))
    return "\n\n".join(lines)


def bias_markdown(results: list[tuple[str, FillResult]], lang: str) -> str:
    head = f"| {t('pre_col_sentence', lang)} | {t('pre_col_top5', lang)} |\n|---|---|"
    rows = []
    for sentence, result in results:
        blanks = []
        for i, m in enumerate(result.masks):
            pieces = ", ".join(f"{_md(p)} {q:.1%}" for p, q in zip(m.pieces, m.probs))
            blanks.append(f"{t('pre_fig_blank', lang, n=i + 1)}: {pieces}" if len(result.masks) > 1 else pieces)
        rows.append(f"| {_md(sentence)} | {'<br>'.join(blanks)} |")
    hidden = sum(r.hidden for _, r in results)
    tail = f"\n\n{t('pre_hidden', lang, n=hidden)}" if hidden else ""
    return "\n".join([head, *rows]) + tail
