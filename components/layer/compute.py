"""One encoder layer recomputed step by step from the checkpoint's own weights, for one query token.

Layer L (from 1) reads ``hidden_states[L-1]`` (layer 1 reads the embedding output) and writes
``hidden_states[L]``. For the query token at position i (BERT's position ids, from 0) and head h
(from 1), with X the layer's input, D the hidden size, H the heads and d = D / H:

    q = x_i W_Q,h + b_Q,h;  k_j = x_j W_K,h + b_K,h;  v_j = x_j W_V,h + b_V,h   (head h's slice: d of the D columns)
    s_j = q . k_j / sqrt(d) + mask_j;   a = softmax(s);   head output = sum_j a_j v_j
    u = concat(all heads' outputs) W_O + b_O                      (the attention update)
    h1 = LayerNorm(x_i + u);  f = GELU(h1 W_1 + b_1) W_2 + b_2;  output = LayerNorm(h1 + f)

Design decision: this is hand-written, because no library recomputes a BERT layer step by step
with a model's weights: transformers' ``BertLayer`` runs the whole layer at once and exposes
only the attention weights and the layer's output, and bertviz's neuron view (q and k only)
needs its own patched copy of the model code and a notebook. So this module reads the weights of
the loaded module itself (``encoder.encoder.layer[L-1]``: ``attention.self.query/key/value``,
``attention.output.dense/LayerNorm``, ``intermediate.dense``, ``output.dense/LayerNorm``, the
activation from ``config.hidden_act`` through transformers' ``ACT2FN``), redoes every product in
float32 torch (the dtype the model ran in, and no copy of its weights), and compares what the
model does expose: every head's attention row of the query (``output_attentions``) and its
output vector (``hidden_states[L]``), both read from the cached ``Analysis``, so the model is
never run twice for one input. Past the keys and values only the query's row is computed
(matrix-vector products), which keeps a request within a small factor of one forward pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis
from components.core.messages import UserError
from components.core.models import LoadedModel
from components.core.numbering import NUMBERING

__all__ = ["SUPPORTED", "TOP_NEURONS", "LayerSteps", "activation", "attention_scores", "check_choice", "cosine",
           "encoder_layer", "feed_forward", "inside_layer", "layer_norm", "linear", "split_heads"]

SUPPORTED = ("bert", "roberta")  # model types whose layers are BertLayer-shaped (RobertaLayer is a copy of it)
SUPPORTED_NAMES = ["BERT", "RoBERTa"]
TOP_NEURONS = 12


def encoder_layer(model: LoadedModel, layer: int) -> torch.nn.Module:
    """The module of encoder layer ``layer`` (from 1); a model of another architecture gets a message."""
    layers = getattr(getattr(model.encoder, "encoder", None), "layer", None)
    if model.model_type not in SUPPORTED or layers is None:
        raise UserError("layer_unsupported", model=model.name, model_type=model.model_type or "?",
                        supported=SUPPORTED_NAMES)
    return layers[layer - 1]


def check_choice(analysis: Analysis, layer: int, head: int, token: int) -> None:
    """Layer and head from 1, token from 0, each within this model and input, else a message saying the range."""
    if analysis.attentions is None or analysis.hidden_states is None:
        raise ValueError("inside_layer needs a full analysis (attentions and hidden states)")
    if not 1 <= layer <= analysis.n_layers:
        raise UserError("layer_bad_layer", value=layer, model=analysis.model_name, n=analysis.n_layers)
    if not 1 <= head <= analysis.n_heads:
        raise UserError("layer_bad_head", value=head, model=analysis.model_name, n=analysis.n_heads)
    if not 0 <= token < analysis.n_tokens:
        raise UserError("layer_bad_token", value=token, last=analysis.n_tokens - 1)


def split_heads(vectors: torch.Tensor, n_heads: int) -> torch.Tensor:
    """(..., D) -> (..., H, d): head h owns columns h*d .. (h+1)*d - 1 of W_Q, W_K, W_V (as in BertSelfAttention)."""
    return vectors.reshape(*vectors.shape[:-1], n_heads, vectors.shape[-1] // n_heads)


def attention_scores(dots: torch.Tensor, d_head: int) -> torch.Tensor:
    """q . k_j / sqrt(d): without the scaling, the softmax of long vectors' products would be nearly one-hot."""
    return dots / math.sqrt(d_head)


def layer_norm(x: torch.Tensor, norm: torch.nn.LayerNorm) -> torch.Tensor:
    """(x - mean) / sqrt(variance + eps) * gamma + beta over the D numbers of the vector (the biased variance),
    with the checkpoint's gamma, beta and eps."""
    return torch.nn.functional.layer_norm(x, norm.normalized_shape, norm.weight, norm.bias, norm.eps)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def linear(x: torch.Tensor, dense: torch.nn.Linear) -> torch.Tensor:
    """x W^T + b with the module's own weight and bias (one call: F.linear reads W in its stored layout)."""
    return torch.nn.functional.linear(x, dense.weight, dense.bias)


def activation(model: LoadedModel):
    from transformers.activations import ACT2FN

    return ACT2FN[model.config.hidden_act]


def feed_forward(module: torch.nn.Module, h1: torch.Tensor, act) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(pre-activation, activation, FFN output) of the intermediate dense -> GELU -> output dense."""
    pre = linear(h1, module.intermediate.dense)
    active = act(pre)
    return pre, active, linear(active, module.output.dense)


@dataclass(frozen=True, eq=False)
class LayerSteps:
    """Every intermediate number of one layer for one query token; layer and head from 1, positions from 0."""

    model_name: str
    text: str
    text_pair: str | None
    tokens: tuple[str, ...]
    segment_ids: np.ndarray
    layer: int
    head: int
    token: int
    n_layers: int
    n_heads: int
    d_head: int
    inputs: np.ndarray  # (T, D) the layer's input, hidden_states[L-1]
    q: np.ndarray  # (d,) the query token's query vector in this head
    keys: np.ndarray  # (T, d)
    values: np.ndarray  # (T, d)
    dots: np.ndarray  # (T,) q . k_j
    mask: np.ndarray  # (T,) added to the scores: 0 where the attention mask is 1, float32's minimum where it is 0
    scores: np.ndarray  # (T,) q . k_j / sqrt(d) + mask
    row: np.ndarray  # (T,) softmax(scores): this head's attention row, recomputed
    model_row: np.ndarray  # (T,) the same row from the model's output_attentions
    head_output: np.ndarray  # (d,) sum_j a_j v_j
    concat: np.ndarray  # (D,) every head's output, head 1 first
    update: np.ndarray  # (D,) concat W_O + b_O: the attention update
    h1: np.ndarray  # (D,) LayerNorm(x_i + update)
    pre: np.ndarray  # (I,) the intermediate neurons before the activation
    active: np.ndarray  # (I,) after it
    ffn: np.ndarray  # (D,) the FFN update
    output: np.ndarray  # (D,) LayerNorm(h1 + ffn): the layer's output for the query token, recomputed
    model_output: np.ndarray  # (D,) hidden_states[L][i], the model's own
    attention_max_abs_diff: float  # over every head's row of the query token
    output_max_abs_diff: float

    @property
    def scale(self) -> float:
        return math.sqrt(self.d_head)

    @property
    def x(self) -> np.ndarray:
        return self.inputs[self.token]

    @property
    def residual_cosines(self) -> tuple[float, float]:
        """cos(after LayerNorm, input) and cos(after LayerNorm, update): how much of the new vector is the token's
        own input and how much the attention update."""
        return cosine(self.h1, self.x), cosine(self.h1, self.update)

    @property
    def weighted(self) -> np.ndarray:
        """(T, d) a_j v_j: what each token adds to the head's output."""
        return self.row[:, None] * self.values

    def top_neurons(self, k: int = TOP_NEURONS) -> np.ndarray:
        """Indices (from 0) of the k intermediate neurons most active for this token, most active first."""
        k = min(k, len(self.active))
        top = np.argpartition(-self.active, k - 1)[:k]
        return top[np.argsort(-self.active[top])]

    def to_json(self) -> dict:
        def floats(values, digits: int = 6) -> list[float]:
            return [round(float(v), digits) for v in np.asarray(values).ravel()]

        top = self.top_neurons()
        return {
            "model": self.model_name, "text": self.text, "text_pair": self.text_pair, "tokens": list(self.tokens),
            "layer": self.layer, "head": self.head, "token": self.token, "numbering": NUMBERING,
            "n_layers": self.n_layers, "n_heads": self.n_heads,
            "positions": "token positions are position ids from 0",
            "reads": f"hidden_states[{self.layer - 1}]", "writes": f"hidden_states[{self.layer}]",
            "d_head": self.d_head, "scale": round(self.scale, 6), "dot_products": floats(self.dots),
            "mask": floats(self.mask, 1), "scores": floats(self.scores), "attention_row": floats(self.row, 8),
            "head_output": floats(self.head_output), "attention_update": floats(self.update),
            "after_attention": floats(self.h1),
            "top_neurons": [{"neuron": int(n), "activation": round(float(self.active[n]), 6)} for n in top],
            "ffn_update": floats(self.ffn), "output": floats(self.output),
            "checks": {"attention_max_abs_diff": self.attention_max_abs_diff,
                       "output_max_abs_diff": self.output_max_abs_diff},
        }


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    array = tensor.detach().float().numpy()
    array.setflags(write=False)
    return array


def inside_layer(model: LoadedModel, analysis: Analysis, layer: int, head: int, token: int) -> LayerSteps:
    """Layer ``layer`` (from 1) recomputed for the query at position ``token`` (from 0), head ``head`` (from 1)."""
    check_choice(analysis, layer, head, token)
    module = encoder_layer(model, layer)
    n_heads, h = analysis.n_heads, head - 1
    attention = module.attention.self
    with torch.inference_mode():
        inputs = torch.tensor(analysis.hidden_states[layer - 1])  # (T, D)
        x = inputs[token]
        q_all = split_heads(linear(x, attention.query), n_heads)  # (H, d)
        k_all = split_heads(linear(inputs, attention.key), n_heads).transpose(0, 1)  # (H, T, d)
        v_all = split_heads(linear(inputs, attention.value), n_heads).transpose(0, 1)  # (H, T, d)
        d_head = q_all.shape[-1]
        # analysis reads one unpadded input: its attention mask is all ones, so the mask adds 0 to every score
        keep = torch.ones(len(inputs))
        mask = (1.0 - keep) * torch.finfo(torch.float32).min
        dots = torch.einsum("hd,htd->ht", q_all, k_all)  # every head: its concatenation needs every head's row
        scores = attention_scores(dots, d_head) + mask
        rows = torch.softmax(scores, dim=-1)  # (H, T)
        head_outputs = torch.einsum("ht,htd->hd", rows, v_all)  # (H, d)
        concat = head_outputs.reshape(-1)
        update = linear(concat, module.attention.output.dense)
        h1 = layer_norm(x + update, module.attention.output.LayerNorm)
        pre, active, ffn = feed_forward(module, h1, activation(model))
        output = layer_norm(h1 + ffn, module.output.LayerNorm)
    model_rows = analysis.attentions[layer - 1, :, token]  # (H, T)
    model_output = analysis.hidden_states[layer, token]
    return LayerSteps(
        model_name=analysis.model_name, text=analysis.text, text_pair=analysis.text_pair, tokens=analysis.tokens,
        segment_ids=analysis.segment_ids, layer=layer, head=head, token=token, n_layers=analysis.n_layers,
        n_heads=n_heads, d_head=int(d_head), inputs=analysis.hidden_states[layer - 1], q=_numpy(q_all[h]),
        keys=_numpy(k_all[h]), values=_numpy(v_all[h]), dots=_numpy(dots[h]), mask=_numpy(mask),
        scores=_numpy(scores[h]), row=_numpy(rows[h]), model_row=model_rows[h], head_output=_numpy(head_outputs[h]),
        concat=_numpy(concat), update=_numpy(update), h1=_numpy(h1), pre=_numpy(pre), active=_numpy(active),
        ffn=_numpy(ffn), output=_numpy(output), model_output=model_output,
        attention_max_abs_diff=float(np.abs(rows.numpy() - model_rows).max()),
        output_max_abs_diff=float(np.abs(output.numpy() - model_output).max()),
    )
