"""The Polysemy tab: one word, many sentences; static vectors give one point, BERT one per occurrence.

Design decision: ``/polysemy`` computes everything for one (encoder, sentences, target, span)
once — occurrence vectors for every layer, metrics, the static space — and keeps it in a small
LRU; the layer slider re-renders from that and from the cached UMAP fits, never re-running BERT.
"""

from __future__ import annotations

import functools
import re

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from components.core.analysis import MAX_CHARS
from components.core.models import PRESETS, LoadedModel, fetch_hint, model_status
from components.core.services import Services
from components.polysemy import projection
from components.polysemy.compute import (
    Occurrences,
    Separation,
    builtin_sets,
    clean_target,
    cosine_matrix,
    layer_curve,
    occurrence_vectors,
    parse_lines,
    parse_span,
    separation,
    static_space,
    word_vectors,
)
from components.polysemy.figures import (
    contextual_space_figure,
    cosine_matrix_figure,
    layer_curve_figure,
    static_space_figure,
)
from components.polysemy.static_vectors import StaticVectors
from components.ui.errors import show_warnings, user_errors

STRINGS = {
    "en": {
        "poly_intro": "A static embedding (GloVe, or BERT's own input table) gives a word **one** vector "
                      "whatever the sentence. BERT gives **each occurrence its own** vector: watch the "
                      "senses drift apart as the layers go up.",
        "poly_set": "Built-in set",
        "poly_sentences": "Sentences, one per line: sense | sentence (optionally | start:end)",
        "poly_target": "Target word (its first occurrence in each sentence)",
        "poly_span": "Span start:end (optional, for lines without their own)",
        "poly_encoder": "Encoder",
        "poly_encoder_base": "base model (chosen above)",
        "poly_encoder_tuned": "fine-tuned classifier's encoder",
        "poly_layer": "Layer shown (0 = embedding output)",
        "poly_run": "Compare the spaces",
        "poly_static": "Static space",
        "poly_contextual": "Contextual space",
        "poly_matrix": "Cosine similarity matrix",
        "poly_curve": "Sense separation per layer",
    },
    "zh": {
        "poly_intro": "静态词向量（GloVe，或 BERT 自己的输入嵌入表）无论句子如何，一个词只有**一个**向量。"
                      "BERT 则给**每一次出现**一个自己的向量：看看不同词义如何随着层数升高而分开。",
        "poly_set": "内置句子集",
        "poly_sentences": "句子，每行一句：词义 | 句子（可加 | 起:止）",
        "poly_target": "目标词（取每句中的第一次出现）",
        "poly_span": "字符范围 起:止（可选，用于没有自带范围的行）",
        "poly_encoder": "编码器",
        "poly_encoder_base": "基础模型（上方所选）",
        "poly_encoder_tuned": "微调后分类器的编码器",
        "poly_layer": "显示的层（0 = 嵌入层输出）",
        "poly_run": "比较两个空间",
        "poly_static": "静态空间",
        "poly_contextual": "上下文空间",
        "poly_matrix": "余弦相似度矩阵",
        "poly_curve": "各层的词义分离程度",
    },
}

SETS = builtin_sets()
DEFAULT_SET = "bank"
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def set_choices(language: str) -> list[str]:
    return [k for k, s in SETS.items() if language in ("multi", s.language)]


def _language(target: str) -> str:
    return "zh" if CJK.search(target) else "en"


def _classifier_model(services: Services) -> LoadedModel | None:
    """The shipped (or configured) classifier's encoder, or None with a warning."""
    try:
        return services.classifier().model
    except (ValueError, OSError) as exc:
        show_warnings([f"The fine-tuned classifier is not available ({str(exc)[:160]}); showing the base model."])
        return None


def _check_language(model: LoadedModel, language: str) -> None:
    if language == "zh" and model.language == "en":
        hint = "" if model_status("bert-base-chinese") != "needs download" else " " + fetch_hint("bert-base-chinese")
        raise ValueError(f"This target is Chinese, but {model.name} reads English only (it would see [UNK]). "
                         f"Choose bert-base-chinese in the Model menu.{hint}")


@functools.lru_cache(maxsize=16)
def _study(model: LoadedModel, text: str, target: str, span: tuple[int, int] | None, anchors: tuple,
           glove: str | None):
    """Everything the views need; cached so the layer slider never re-runs BERT."""
    lines = parse_lines(text)
    occ = occurrence_vectors(model, lines, target, span)
    curve = layer_curve(occ.vectors, occ.senses)
    words = tuple(w for _, ws in anchors for w in ws)
    kept, anchor_vectors, unk = word_vectors(model, words) if words else ((), None, ())
    static = static_space(model, _language(target), (target, *words), glove)
    return occ, curve, kept, anchor_vectors, unk, static


def _sense_of(word: str, anchors: tuple) -> str:
    return next(s for s, ws in anchors for w in ws if w == word)


def _note(model: LoadedModel, tuned: bool, occ: Occurrences, curve, best: int, static: StaticVectors,
          static_sep: Separation | None, target: str, unk: tuple, anchors_known: bool) -> str:
    pieces = sorted({" + ".join(p) for p in occ.pieces})
    enc = f"fine-tuned classifier encoder ({model.name})" if tuned else f"base model {model.name}"
    b = curve[best]
    lines = [
        f"**{len(occ.lines)} occurrences** of '{target}' → pieces {', '.join(f'`{p}`' for p in pieces)}, "
        f"mean-pooled; encoder: {enc}.",
        f"**Best layer: {best}** — within-sense cosine {b.within:.3f} vs across {b.across:.3f} "
        f"(gap {b.gap:+.3f}), 1-NN sense accuracy {b.knn_accuracy:.0%}.",
    ]
    if static_sep is not None:
        lines.append(f"**Static baseline** — {static.label}: one vector for every sentence, so the gap is "
                     f"{static_sep.gap:+.3f} and 1-NN accuracy {static_sep.knn_accuracy:.0%} (chance).")
    if static.missing:
        lines.append(f"Not in the static vocabulary ({static.label}): {', '.join(static.missing)}.")
    if unk:
        lines.append(f"Only [UNK] for {model.name}, left out: {', '.join(unk)}.")
    lines.append("Anchor words are encoded alone (no sentence) in the contextual space." if anchors_known else
                 "No anchor words: they come with the built-in set whose target matches.")
    return "\n\n".join(f"- {line}" for line in lines)


@functools.lru_cache(maxsize=64)
def _render(model: LoadedModel, tuned: bool, text: str, target: str, span: tuple[int, int] | None, anchors: tuple,
            glove: str | None, layer: int) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure, str]:
    """The four figures and the note, cached: thirty students sending the built-in set at the same
    layer get the figures computed once (figures are only read after this, when Gradio serialises them)."""
    occ, curve, kept, anchor_vectors, unk, static = _study(model, text, target, span, anchors, glove)
    last = occ.vectors.shape[1] - 1
    shown = int(min(max(layer, 0), last))
    best = int(np.argmax([c.gap for c in curve]))
    senses = occ.senses
    stack = occ.vectors if not kept else np.concatenate([occ.vectors, anchor_vectors])
    coords = projection.project_layer((model.name, text, target, span, kept), stack, shown)
    n = len(senses)
    anchor_senses = [_sense_of(w, anchors) for w in kept]
    texts = [line.text for line in occ.lines]
    contextual = contextual_space_figure(coords[:n], senses, texts, coords[n:], kept, anchor_senses, target,
                                         shown, last, model.name)
    static_sep = None
    static_words = [w for w in (target, *(w for _, ws in anchors for w in ws)) if w in static]
    if target in static:
        static_sep = separation(np.repeat(static.vector(target)[None], n, axis=0), senses)
        points = np.stack([static.vector(w) for w in static_words])
        static_coords = projection.project(("static", static.label, tuple(static_words)), points)
        static_fig = static_space_figure(static_coords, target, n, static_words[1:],
                                         [_sense_of(w, anchors) for w in static_words[1:]], senses, static.label)
    else:
        static_fig = go.Figure()
        static_fig.add_annotation(text=f"'{target}' is not in {static.label}", showarrow=False)
    matrix = cosine_matrix_figure(cosine_matrix(occ.vectors[:, shown]), senses, texts, shown)
    curve_fig = layer_curve_figure(curve, static_sep, static.label, best, shown)
    note = _note(model, tuned, occ, curve, best, static, static_sep, target, unk, bool(anchors))
    return static_fig, contextual, matrix, curve_fig, note


def polysemy_endpoint(services: Services):
    @user_errors
    def polysemy(set_key: str, text: str, target: str, span: str, encoder: str, layer: float,
                 model_name: str) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure, str]:
        target = clean_target(target)
        model = services.model(model_name)
        tuned = False
        if encoder == "tuned":
            clf = _classifier_model(services)
            model, tuned = (clf, True) if clf is not None else (model, False)
        _check_language(model, _language(target))
        chosen = SETS.get(set_key or "")
        anchors = chosen.anchors if chosen and chosen.target.lower() == target.lower() else ()
        return _render(model, tuned, text or "", target, parse_span(span), anchors, services.config.glove,
                       int(layer or 0))

    return polysemy


def build_polysemy_tab(services: Services, i18n: gr.I18n, model_box: gr.Dropdown) -> None:
    gr.Markdown(i18n("poly_intro"))
    first = SETS[DEFAULT_SET]
    with gr.Row():
        with gr.Column(scale=2):
            sentences = gr.Textbox(label=i18n("poly_sentences"), value=first.as_text(), lines=10, max_lines=24,
                                   max_length=MAX_CHARS)
        with gr.Column(scale=1):
            set_key = gr.Dropdown(choices=list(SETS), value=DEFAULT_SET, label=i18n("poly_set"))
            target = gr.Textbox(label=i18n("poly_target"), value=first.target, max_length=100)
            span = gr.Textbox(label=i18n("poly_span"), placeholder="4:8", max_length=20)
            encoder = gr.Radio([(i18n("poly_encoder_base"), "base"), (i18n("poly_encoder_tuned"), "tuned")],
                               value="base", label=i18n("poly_encoder"))
            layer = gr.Slider(0, 24, value=6, step=1, label=i18n("poly_layer"))
            run = gr.Button(i18n("poly_run"), variant="primary")
    note = gr.Markdown()
    with gr.Row():
        static_plot = gr.Plot(label=i18n("poly_static"))
        contextual_plot = gr.Plot(label=i18n("poly_contextual"))
    with gr.Row():
        matrix_plot = gr.Plot(label=i18n("poly_matrix"))
        curve_plot = gr.Plot(label=i18n("poly_curve"))
    inputs = [set_key, sentences, target, span, encoder, layer, model_box]
    outputs = [static_plot, contextual_plot, matrix_plot, curve_plot, note]
    fn = polysemy_endpoint(services)

    def layer_range(model_name: str, encoder_value: str, value: float) -> dict:
        try:
            config = services.model(model_name).config
        except ValueError:
            return gr.update()
        last = int(config.num_hidden_layers)
        return gr.update(maximum=last, value=min(int(value), last)) if encoder_value == "base" else gr.update()

    def fill(key: str) -> tuple[str, str]:
        chosen = SETS[key]
        return chosen.as_text(), chosen.target

    def sets_for(model_name: str, current: str) -> tuple[dict, dict, dict]:
        preset = PRESETS.get(model_name or "")
        choices = set_choices(preset.language if preset else "multi")
        if current in choices:
            return gr.update(choices=choices), gr.update(), gr.update()
        return gr.update(choices=choices, value=choices[0]), *fill(choices[0])

    run.click(fn, inputs, outputs, api_name="polysemy").then(
        layer_range, [model_box, encoder, layer], layer, api_name=False)
    layer.release(fn, inputs, outputs, api_name=False)
    set_key.input(fill, set_key, [sentences, target], api_name=False)
    model_box.change(sets_for, [model_box, set_key], [set_key, sentences, target], api_name=False)
