"""One token across every layer: how far its vector moves from its input embedding, and how large
each layer's attention update and feed-forward update are.

Per layer l (from 1), for the token at position i: ``x`` = hidden_states[l-1][i]; the attention
update ``u`` and the FFN update ``f`` are recomputed from the layer's weights as in
``compute.inside_layer``, and the recomputed output is checked against hidden_states[l][i].

Design decision: here the attention weights are the model's own (``output_attentions`` in the
cached ``Analysis``), and a head's output is formed as W_V,h (sum_j a_j x_j) + b_V,h, which equals
sum_j a_j v_j because a row sums to 1: one matrix-vector product per head instead of the values
of every token, so all layers together cost less than one layer of the forward pass. The
caution that goes with the figure (Brunner et al. 2019) is said on screen: after the first
layers a position's vector mixes in much of the rest of the sentence, so it is not "the word".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis
from components.core.models import LoadedModel
from components.layer.compute import activation, cosine, encoder_layer, feed_forward, layer_norm, linear, split_heads

__all__ = ["Across", "across_layers"]


@dataclass(frozen=True, eq=False)
class Across:
    """Per layer 1..N (index 0 = layer 1) unless said otherwise; the token's position from 0."""

    token: int
    input_norm: np.ndarray  # (N,) |x|, the token's vector entering each layer
    attention_norm: np.ndarray  # (N,) |u|, the attention update
    ffn_norm: np.ndarray  # (N,) |f|, the feed-forward update
    cosine_to_embedding: np.ndarray  # (N+1,) cos(hidden_states[k][i], hidden_states[0][i]) for k = 0..N
    max_abs_diff: float  # recomputed outputs vs hidden_states[1..N][i], largest over the layers

    @property
    def n_layers(self) -> int:
        return len(self.input_norm)

    def to_json(self) -> dict:
        return {"layers": list(range(1, self.n_layers + 1)),
                "input_norm": [round(float(v), 5) for v in self.input_norm],
                "attention_update_norm": [round(float(v), 5) for v in self.attention_norm],
                "ffn_update_norm": [round(float(v), 5) for v in self.ffn_norm],
                "cosine_to_embedding": [round(float(v), 6) for v in self.cosine_to_embedding],
                "max_abs_diff": self.max_abs_diff}


def across_layers(model: LoadedModel, analysis: Analysis, token: int) -> Across:
    """The token at ``token`` (from 0) through every layer of the model, from the cached analysis."""
    hidden = analysis.hidden_states
    act = activation(model)
    inputs, attn, ffn, diffs = [], [], [], []
    with torch.inference_mode():
        states = torch.from_numpy(hidden[:-1].copy())  # (N, T, D): layer l's input at l-1
        rows = torch.from_numpy(analysis.attentions[:, :, token].copy())  # (N, H, T), the model's own
        mixed = rows @ states  # (N, H, D): sum_j a_j x_j per layer and head
        for layer in range(1, analysis.n_layers + 1):
            module = encoder_layer(model, layer)
            # every head's mixed input through the whole W_V, then head h keeps its own d columns (the diagonal)
            projected = split_heads(linear(mixed[layer - 1], module.attention.self.value), analysis.n_heads)
            heads = torch.diagonal(projected, dim1=0, dim2=1).T  # (H, d)
            update = linear(heads.reshape(-1), module.attention.output.dense)
            x = states[layer - 1, token]
            h1 = layer_norm(x + update, module.attention.output.LayerNorm)
            f = feed_forward(module, h1, act)[2]
            out = layer_norm(h1 + f, module.output.LayerNorm).numpy()
            inputs.append(float(x.norm()))
            attn.append(float(update.norm()))
            ffn.append(float(f.norm()))
            diffs.append(float(np.abs(out - hidden[layer, token]).max()))
    cosines = np.array([cosine(hidden[k, token], hidden[0, token]) for k in range(analysis.n_layers + 1)])
    return Across(token=token, input_norm=np.array(inputs), attention_norm=np.array(attn), ffn_norm=np.array(ffn),
                  cosine_to_embedding=cosines, max_abs_diff=max(diffs))
