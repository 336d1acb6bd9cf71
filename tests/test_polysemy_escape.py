"""What a student types reaches the note (Markdown) and the figures (plotly) only escaped.

The payloads survive tokenization: the target word itself carries markup and is found and pooled in
every sentence (its pieces include the real word 'bank'), the sense names carry markup (legends, hover,
the note's one-sentence message), and the sentences carry it (hover). A negative control renders the same
study with the escape helpers switched off and proves the check then finds the markup.
"""

from __future__ import annotations

import re

import pytest

from components.core.cache import Cache
from components.polysemy import figures, view
from components.polysemy.study import study

TARGET = "<b>bank</b>"
SENSE = "<img src=x onerror=alert(1)>"
TEXT = (f"{SENSE} | I paid the {TARGET} today.\nriver | We sat by the {TARGET} of the river.\n"
        f"river | <i>The</i> {TARGET} was muddy.")  # one sentence for the markup sense: the note names it
OURS = re.compile(r"<(?!br>|/?extra>|/?sup>)[a-zA-Z/!]")  # any tag but the <br>, <sup>, <extra> the figures write


def markup(text: str) -> list[str]:
    return [text[m.start():m.start() + 20] for m in OURS.finditer(text)]


def strings(value) -> str:
    """Every string inside a figure, as plotly.js receives it (to_json escapes '<' itself, which would hide it)."""
    if isinstance(value, str):
        return value + "\n"
    if isinstance(value, dict):
        return "".join(strings(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return "".join(strings(v) for v in value)
    return ""


@pytest.fixture()
def fresh_views(monkeypatch):
    monkeypatch.setattr(view, "_views", Cache("test_views", max_entries=8))


def rendered(model, lang: str) -> tuple[str, list[str]]:
    found = study(model, TEXT, TARGET, None, glove=None)
    assert any("bank" in pieces for pieces in found.occurrences.pieces)  # the payload survived tokenization
    shown = view.render_view(found, 1, lang)
    return shown.note, [strings(fig.to_plotly_json()) for fig in (shown.static, shown.contextual, shown.matrix,
                                                                    shown.curve)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_target_sense_and_sentences_are_escaped_in_the_note_and_every_figure(tiny_en, fresh_views, lang):
    note, figs = rendered(tiny_en, lang)
    assert markup(note) == []
    assert "&lt;b&gt;bank&lt;/b&gt;" in note and "&lt;img src=x onerror=alert\\(1\\)&gt;" in note  # as text
    for fig in figs:
        assert markup(fig) == [], markup(fig)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in fig for fig in figs)  # the sense name is there, as text


def test_negative_control_the_check_sees_markup_when_escaping_is_off(tiny_en, fresh_views, monkeypatch):
    monkeypatch.setattr(figures, "safe_label", lambda text, limit=40: str(text))
    monkeypatch.setattr(view, "escape", lambda text, **_: str(text))
    note, figs = rendered(tiny_en, "en")
    assert "<b>bank</b>" in "".join(markup(note))
    assert any("<img src=x" in "".join(markup(fig)) for fig in figs)
