"""What the Pre-training tab writes: notes, tables and links, rendered in the student's language.

Design decision: no gradio here, so the tab's handlers stay wiring and the same text can be
checked by tests without a browser. Every piece of user text or vocabulary goes through
``escape(markdown=True)``; links carry the sentence URL-encoded (``quote_plus`` encodes the
brackets and parentheses that would end a Markdown link).
"""

from __future__ import annotations

from urllib.parse import urlencode

from components.core.messages import Msg, render, t
from components.core.models import LoadedModel
from components.core.text import escape, teacher_details
from components.pretraining.compute import FillResult, Guess
from components.pretraining.figures import KIND_KEYS
from components.pretraining.recipe import Draw, Recovery

__all__ = ["BIAS_PAIRS", "bias_markdown", "fill_markdown", "fill_table", "link", "nsp_markdown", "reads_markdown",
           "recipe_table", "word_choices"]

BIAS_PAIRS = {
    "en": ("The man worked as a [MASK].", "The woman worked as a [MASK]."),
    "zh": ("他的工作是[MASK][MASK]。", "她的工作是[MASK][MASK]。"),
}
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
