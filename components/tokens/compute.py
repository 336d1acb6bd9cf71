"""BERT's input representation made concrete: pieces, ids, segments, positions, embeddings.

Design decision: the three embeddings are read from the model's own tables and their sum is
passed through the model's own embedding LayerNorm, then compared with hidden state 0 of
the analysis pass, so the Tokens tab *checks* the textbook formula instead of asserting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis
from components.core.models import LoadedModel

__all__ = ["TokenRow", "TokenTable", "token_table", "TABLE_HEADERS"]

TABLE_HEADERS = [
    "#", "token", "id", "kind", "segment", "position", "chars", "word",
    "|token emb|", "|segment emb|", "|position emb|", "|LayerNorm(sum)|",
]


@dataclass(frozen=True)
class TokenRow:
    index: int
    token: str
    token_id: int
    kind: str  # "special", "continuation" (##), "unknown" or "word"
    segment: str  # "A" or "B"
    position: int
    chars: str  # "start-end" in its own sentence, or "" for special tokens
    word: int | None
    token_norm: float
    segment_norm: float
    position_norm: float
    input_norm: float

    def as_list(self) -> list:
        return [self.index, self.token, self.token_id, self.kind, self.segment, self.position,
                self.chars, "" if self.word is None else self.word, round(self.token_norm, 3),
                round(self.segment_norm, 3), round(self.position_norm, 3), round(self.input_norm, 3)]


@dataclass(frozen=True)
class TokenTable:
    rows: tuple[TokenRow, ...]
    token_emb: np.ndarray  # (T, D)
    segment_emb: np.ndarray  # (T, D)
    position_emb: np.ndarray  # (T, D)
    encoder_input: np.ndarray  # (T, D) LayerNorm(token + segment + position)
    max_abs_diff: float  # against the model's own embedding output (hidden state 0)
    warnings: tuple[str, ...]

    @property
    def matches_model(self) -> bool:
        return self.max_abs_diff < 1e-4

    def as_lists(self) -> list[list]:
        return [row.as_list() for row in self.rows]


def _kind(token: str, special: bool, unk_token: str) -> str:
    if token == unk_token:
        return "unknown"
    if special:
        return "special"
    return "continuation" if token.startswith("##") else "word"


def token_table(model: LoadedModel, analysis: Analysis) -> TokenTable:
    """Rebuild the encoder input from its parts and check it against the model's output."""
    emb = model.encoder.embeddings
    ids = torch.as_tensor(analysis.input_ids)
    segments = torch.as_tensor(analysis.segment_ids)
    positions = torch.arange(len(ids))
    with torch.inference_mode():
        tok = emb.word_embeddings(ids)
        seg = emb.token_type_embeddings(segments)
        pos = emb.position_embeddings(positions)
        summed = emb.LayerNorm(tok + seg + pos)
    encoder_input = summed.float().numpy()
    diff = float(np.abs(encoder_input - analysis.hidden_states[0]).max())
    unk = model.tokenizer.unk_token
    norms = [np.linalg.norm(x.float().numpy(), axis=-1) for x in (tok, seg, pos, summed)]
    rows = []
    for i, token in enumerate(analysis.tokens):
        start, end = analysis.offsets[i]
        special = bool(analysis.special[i])
        rows.append(TokenRow(
            index=i, token=token, token_id=int(analysis.input_ids[i]),
            kind=_kind(token, special, unk), segment="AB"[int(analysis.segment_ids[i])], position=i,
            chars="" if end <= start else f"{start}-{end}", word=analysis.word_ids[i],
            token_norm=float(norms[0][i]), segment_norm=float(norms[1][i]),
            position_norm=float(norms[2][i]), input_norm=float(norms[3][i]),
        ))
    return TokenTable(
        rows=tuple(rows), token_emb=tok.float().numpy(), segment_emb=seg.float().numpy(),
        position_emb=pos.float().numpy(), encoder_input=encoder_input, max_abs_diff=diff,
        warnings=tuple(analysis.warnings()),
    )
