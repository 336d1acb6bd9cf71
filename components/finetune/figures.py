"""The Fine-tuning lesson's figures: recorded learning curves, the live loss curve, and what changed
(CKA per layer, attention change per head, LoRA update per matrix, token cosines).

Design decision: layers are numbered as in the Attention tab (0 = the first transformer layer),
with the embedding output shown as its own "emb." row or column where it exists, so a head that
changed here can be looked up there under the same number.
"""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.core.figures import base_layout, export_name, safe_label, token_ticks
from components.core.messages import t
from components.finetune.changes import MATRICES, Changes
from components.finetune.records import FINE_TUNING, Record, epoch_axis, smooth

__all__ = ["cka_figure", "cosine_figure", "curves_figure", "js_figure", "live_loss_figure", "lora_figure",
           "method_name"]

MATRIX_KEYS = {
    "query": "ft_chg_matrix_query", "key": "ft_chg_matrix_key", "value": "ft_chg_matrix_value",
    "attn_out": "ft_chg_matrix_attn_out", "ffn_in": "ft_chg_matrix_ffn_in", "ffn_out": "ft_chg_matrix_ffn_out",
}

COLORS = {"head": "#4C78A8", "sklearn-lr": "#72B7B2", "lora": "#E45756", "full": "#F58518"}
LOSS_TICKS = [0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7]  # plotly's own log ticks print 0.7 as "7" past a decade
LOG_EPOCHS = 5  # runs whose lengths differ this many times share a logarithmic epoch axis
MAX_POINTS = 400  # a curve of 27,000 steps is drawn from this many points (after smoothing)


def method_name(method: str, lang: str) -> str:
    kind = t("ft_cmp_kind_tune" if method in FINE_TUNING else "ft_cmp_kind_extract", lang)
    return t("ft_named", lang, name=method, detail=kind)


def _thin(x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
    step = max(1, len(x) // MAX_POINTS)
    keep = np.r_[np.arange(0, len(x), step), len(x) - 1] if len(x) else np.arange(0)
    keep = np.unique(keep)
    return x[keep].round(4).tolist(), y[keep].round(5).tolist()


def curves_figure(records: list[Record], lang: str) -> go.Figure:
    """Smoothed training loss per step (left) and dev macro-F1 per epoch (right), on one epoch axis."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("ft_curve_loss", lang), t("ft_curve_dev", lang)),
                        horizontal_spacing=0.1)
    for r in records:
        if not r.loss:
            continue
        name, color = method_name(r.method, lang), COLORS.get(r.method, "#888")
        x, y = _thin(epoch_axis(len(r.loss), r.epochs), smooth(r.loss))
        fig.add_scatter(x=x, y=y, mode="lines", name=name, legendgroup=r.name, line=dict(color=color), row=1, col=1,
                        hovertemplate=f"{name}<br>{t('ft_curve_epoch', lang)} %{{x:.2f}}: %{{y:.4f}}<extra></extra>")
        if r.dev_macro_f1:
            fig.add_scatter(x=list(range(1, len(r.dev_macro_f1) + 1)), y=list(r.dev_macro_f1), mode="lines+markers",
                            name=name, legendgroup=r.name, showlegend=False, line=dict(color=color), row=1, col=2,
                            hovertemplate=f"{name}<br>{t('ft_curve_epoch', lang)} %{{x}}: %{{y:.3f}}<extra></extra>")
    base_layout(fig, t("ft_curve_title", lang), height=440, export=export_name("finetune-curves"))
    fig.update_xaxes(title_text=t("ft_curve_epoch", lang))
    epochs = [r.epochs for r in records if r.loss]
    if epochs and max(epochs) >= LOG_EPOCHS * min(epochs):
        # 20 epochs of `head` beside 1 of `lora`: on a linear axis the short run is a sliver at the left edge
        fig.update_xaxes(title_text=t("ft_curve_epoch_log", lang), type="log", row=1, col=1,
                         tickvals=[0.001, 0.01, 0.1, 1, 10, 100])
    # log scale: the first steps (loss 0.69) would flatten the differences between recipes (0.07-0.11)
    fig.update_yaxes(title_text=t("ft_curve_loss_axis", lang), type="log", row=1, col=1, tickvals=LOSS_TICKS)
    fig.update_yaxes(title_text=t("ft_curve_f1_axis", lang), row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=-0.2), margin=dict(t=90))
    return fig


def live_loss_figure(losses: list[float], steps: int, method: str, lang: str) -> go.Figure:
    """The loss of each step so far (faint) and its smoothed curve, on an axis as long as the whole run."""
    fig = go.Figure()
    x = list(range(1, len(losses) + 1))
    step_word = t("ft_live_fig_step", lang)
    fig.add_scatter(x=x, y=list(losses), mode="lines", name=t("ft_live_fig_raw", lang),
                    line=dict(color="#9DB4CF", width=1),
                    hovertemplate=f"{step_word} %{{x}}: %{{y:.4f}}<extra></extra>")
    fig.add_scatter(x=x, y=smooth(losses, 0.9).round(5).tolist(), mode="lines", name=t("ft_live_fig_smooth", lang),
                    line=dict(color=COLORS.get(method, "#E45756"), width=3),
                    hovertemplate=f"{step_word} %{{x}}: %{{y:.4f}}<extra></extra>")
    base_layout(fig, t("ft_live_fig_title", lang, method=method_name(method, lang)), height=360,
                export=export_name("finetune-live", method))
    fig.update_layout(xaxis=dict(title=step_word, range=[0, max(steps, len(losses), 1) + 1]),
                      yaxis=dict(title=t("ft_curve_loss_axis", lang), rangemode="tozero",
                                 **({} if losses else {"range": [0, 0.8]})),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def _layer_names(n_layers: int, lang: str, embeddings: bool) -> list[str]:
    """Hidden states as every tab names them: the embedding output, then the output of layer 1..N."""
    return ([t("ft_chg_embeddings", lang)] if embeddings else []) + [str(i) for i in range(1, n_layers + 1)]


def cka_figure(changes: Changes, lang: str) -> go.Figure:
    names = _layer_names(len(changes.cka) - 1, lang, embeddings=True)
    fig = go.Figure()
    fig.add_scatter(x=names, y=changes.cka.round(4).tolist(), mode="lines+markers", name="CKA",
                    line=dict(color="#E45756", width=3), marker=dict(size=10),
                    hovertemplate=f"{t('ft_chg_layer', lang)} %{{x}}: CKA %{{y:.3f}}<extra></extra>")
    base_layout(fig, t("ft_chg_cka_title", lang, n=changes.n_sentences), height=380,
                export=export_name("finetune-cka", changes.method))
    fig.update_layout(xaxis=dict(title=t("ft_chg_layer", lang), type="category"),
                      yaxis=dict(title=t("ft_chg_cka_axis", lang), range=[0, 1.05]), showlegend=False)
    return fig


def js_figure(changes: Changes, lang: str) -> go.Figure:
    n_layers, n_heads = changes.js.shape
    fig = go.Figure(go.Heatmap(z=changes.js.round(4).tolist(), x=list(range(1, n_heads + 1)),
                               y=list(range(1, n_layers + 1)),
                               colorscale="Reds", zmin=0, zmax=max(float(changes.js.max()), 0.05),  # 0 stays white
                               colorbar=dict(title=t("ft_chg_js_axis", lang)),
                               hovertemplate=(f"{t('ft_chg_layer', lang)} %{{y}}, {t('ft_chg_head', lang)} %{{x}}: "
                                              "%{z:.3f}<extra></extra>")))
    base_layout(fig, t("ft_chg_js_title", lang), height=380, export=export_name("finetune-attention-change"))
    fig.update_layout(xaxis=dict(title=t("ft_chg_head", lang), dtick=1),
                      yaxis=dict(title=t("ft_chg_layer", lang), dtick=1, autorange="reversed"))
    return fig


def lora_figure(changes: Changes, lang: str) -> go.Figure:
    """‖ΔW‖ per layer and matrix (hover: relative to ‖W‖), or a note saying why there is none."""
    fig = go.Figure()
    if changes.lora is None:
        why = t("ft_chg_why_full" if changes.method == "full" else "ft_chg_why_frozen", lang)
        note = t("ft_chg_lora_none", lang, method=changes.method, why=why)
        fig.add_annotation(text="<br>".join(textwrap.wrap(note, 26 if lang == "zh" else 48)), showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=15))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    else:
        names = [t(MATRIX_KEYS[m], lang) for m in MATRICES]
        rel = changes.lora_relative
        fig.add_heatmap(z=changes.lora.round(3).tolist(), x=names, y=list(range(1, changes.lora.shape[0] + 1)),
                        customdata=rel.round(3).tolist(), colorscale="Purples", zmin=0,
                        colorbar=dict(title=t("ft_chg_lora_axis", lang)),
                        hovertemplate=(f"{t('ft_chg_layer', lang)} %{{y}}, %{{x}}<br>‖ΔW‖ %{{z:.2f}}<br>"
                                       f"{t('ft_chg_lora_relative', lang)} %{{customdata:.3f}}<extra></extra>"))
        fig.update_layout(yaxis=dict(title=t("ft_chg_layer", lang), dtick=1, autorange="reversed"))
    base_layout(fig, t("ft_chg_lora_title", lang), height=380, export=export_name("finetune-lora-update"))
    return fig


def cosine_figure(tokens: tuple[str, ...], cos: np.ndarray, lang: str, text: str) -> go.Figure:
    names = _layer_names(cos.shape[0] - 1, lang, embeddings=True)
    labels = [[safe_label(tok, 24) for tok in tokens]] * len(names)
    fig = go.Figure(go.Heatmap(z=cos.round(4).tolist(), x=list(range(len(tokens))), y=names, text=labels,
                               colorscale="Viridis", zmin=min(0.0, float(cos.min())), zmax=1.0,
                               colorbar=dict(title=t("ft_chg_cos_axis", lang)),
                               hovertemplate=(f"{t('ft_chg_layer', lang)} %{{y}}, %{{text}}: %{{z:.3f}}"
                                              "<extra></extra>")))
    base_layout(fig, t("ft_chg_cos_title", lang), height=max(360, 40 * len(names) + 160),
                export=export_name("finetune-token-cosine", text))
    fig.update_layout(xaxis=dict(title=t("ft_chg_token", lang), **token_ticks(tokens)),
                      yaxis=dict(title=t("ft_chg_layer", lang), type="category", autorange="reversed"))
    return fig
