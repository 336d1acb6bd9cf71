"""BERT's input representation made concrete: pieces, ids, segments, positions, embeddings.

Design decision: the embeddings are not recomputed from a textbook formula but *caught* as the
model computes them: forward hooks on the model's own token, position and segment embedding
tables record what each returns (and the position ids it was given: RoBERTa's start after the
padding index). Their sum goes through the model's own embedding LayerNorm and is compared with
hidden state 0 of the analysis pass, so the Tokens tab *checks* the formula, for BERT, RoBERTa
and DistilBERT (which has no segment embeddings) alike. The model is shared: another request's
forward (a Polysemy in the heavy lane, on the same model) meets the hooks while they are on, so
they record only this thread's call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis
from components.core.messages import Msg
from components.core.models import LoadedModel

__all__ = ["COLUMNS", "TokenRow", "TokenTable", "token_kind", "token_table"]

COLUMNS = ("index", "token", "id", "kind", "segment", "position", "chars", "word", "token_norm", "segment_norm",
           "position_norm", "input_norm")
PARTS = (("token", "word_embeddings"), ("segment", "token_type_embeddings"), ("position", "position_embeddings"))


@dataclass(frozen=True)
class TokenRow:
    index: int
    token: str
    token_id: int
    kind: str  # "special", "continuation", "unknown" or "word"
    segment: str  # "A" or "B"
    position: int  # the position id the model used
    chars: str  # "start-end" in its own sentence, or "" for special tokens
    word: int | None
    token_norm: float
    segment_norm: float | None  # None: the model has no segment embeddings
    position_norm: float
    input_norm: float

    def as_list(self, kind_label: str) -> list:
        rounded = [None if v is None else round(v, 3)
                   for v in (self.token_norm, self.segment_norm, self.position_norm, self.input_norm)]
        return [self.index, self.token, self.token_id, kind_label, self.segment, self.position, self.chars,
                "" if self.word is None else self.word, *["–" if v is None else v for v in rounded]]


@dataclass(frozen=True)
class TokenTable:
    rows: tuple[TokenRow, ...]
    parts: dict[str, np.ndarray]  # "token", "segment" (when the model has it), "position": (T, D)
    encoder_input: np.ndarray  # (T, D) LayerNorm(sum of parts)
    max_abs_diff: float  # against the model's own embedding output (hidden state 0)
    warnings: tuple[Msg, ...]

    @property
    def matches_model(self) -> bool:
        return self.max_abs_diff < 1e-4


def token_kind(analysis: Analysis, index: int) -> str:
    """'special', 'unknown', 'continuation' (the piece continues the previous token's word) or 'word'."""
    if analysis.unknown[index]:
        return "unknown"
    if analysis.special[index]:
        return "special"
    word = analysis.word_ids[index]
    previous = analysis.word_ids[index - 1] if index > 0 else None
    same_segment = index > 0 and analysis.segment_ids[index - 1] == analysis.segment_ids[index]
    return "continuation" if word is not None and word == previous and same_segment else "word"


def token_table(model: LoadedModel, analysis: Analysis) -> TokenTable:
    """Rebuild the encoder input from the parts the model itself computed, and check it."""
    emb = model.encoder.embeddings
    caught: dict[str, torch.Tensor] = {}
    position_ids: list[torch.Tensor] = []

    me = threading.get_ident()

    def catch(part: str):
        def hook(_module, inputs, output):
            if threading.get_ident() != me:  # another request's forward on the shared model
                return
            caught[part] = output[0]
            if part == "position":
                position_ids.append(inputs[0].reshape(-1))
        return hook

    handles = [getattr(emb, attr).register_forward_hook(catch(part)) for part, attr in PARTS if hasattr(emb, attr)]
    ids = torch.as_tensor(analysis.input_ids)[None]
    kwargs = {"token_type_ids": torch.as_tensor(analysis.segment_ids)[None]} if model.uses_token_types else {}
    try:
        with torch.inference_mode():
            emb(input_ids=ids, **kwargs)
            summed = emb.LayerNorm(sum(caught.values()))
    finally:
        for handle in handles:
            handle.remove()
    parts = {part: caught[part].float().numpy() for part, _ in PARTS if part in caught}
    encoder_input = summed.float().numpy()
    diff = float(np.abs(encoder_input - analysis.hidden_states[0]).max())
    norms = {part: np.linalg.norm(v, axis=-1) for part, v in parts.items()}
    input_norm = np.linalg.norm(encoder_input, axis=-1)
    positions = position_ids[0].tolist() if position_ids else list(range(len(analysis.tokens)))
    rows = []
    for i, token in enumerate(analysis.tokens):
        start, end = analysis.offsets[i]
        rows.append(TokenRow(
            index=i, token=token, token_id=int(analysis.input_ids[i]), kind=token_kind(analysis, i),
            segment="AB"[int(analysis.segment_ids[i])], position=int(positions[i]),
            chars="" if end <= start else f"{start}-{end}", word=analysis.word_ids[i],
            token_norm=float(norms["token"][i]),
            segment_norm=float(norms["segment"][i]) if "segment" in norms else None,
            position_norm=float(norms["position"][i]), input_norm=float(input_norm[i]),
        ))
    warnings = list(analysis.warnings())
    if "segment" not in parts and analysis.text_pair is not None:
        warnings.append(Msg("tok_no_segments", model=model.name))
    return TokenTable(rows=tuple(rows), parts=parts, encoder_input=encoder_input, max_abs_diff=diff,
                      warnings=tuple(warnings))
