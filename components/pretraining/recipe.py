"""BERT's masking recipe drawn on the real pieces of a sentence, and what the MLM head recovers.

Design decision: the draw is made by transformers' own ``DataCollatorForLanguageModeling`` (the
collator BERT-style models are trained with: each piece that is not special is chosen with
probability 15 %; of the chosen, 80 % become [MASK], 10 % a random vocabulary id, 10 % stay),
seeded with the seed the student sees, so a draw can be repeated and re-rolled. Nothing here is
our own sampling. The draw needs only the tokenizer, so it is shown with every model; recovering
the chosen pieces needs the masked-LM head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis, analyze
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.pretraining.compute import fetch_hint, forward, top_pieces

__all__ = ["KINDS", "MAX_SEED", "Draw", "Recovery", "check_seed", "draw", "recover", "summary"]

KINDS = ("special", "unchosen", "mask", "random", "kept")
MAX_SEED = 2**31 - 1
PROBABILITY, MASK_SHARE, RANDOM_SHARE = 0.15, 0.8, 0.1


@dataclass(frozen=True, eq=False)
class Draw:
    seed: int
    analysis: Analysis
    ids: np.ndarray  # (T,) what BERT reads after the recipe
    kinds: tuple[str, ...]  # one of KINDS per position

    @property
    def chosen(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.kinds) if k in ("mask", "random", "kept"))

    def input_tokens(self, model: LoadedModel) -> tuple[str, ...]:
        return tuple(model.tokenizer.convert_ids_to_tokens(self.ids.tolist()))

    def counts(self) -> dict[str, int]:
        return {kind: self.kinds.count(kind) for kind in KINDS}


@dataclass(frozen=True)
class Recovery:
    position: int
    kind: str  # "mask", "random" or "kept"
    original: str
    shown: str  # what BERT read there
    top: str  # BERT's first choice (classroom filter applied)
    top_prob: float
    original_prob: float  # what BERT gave the original piece
    hit: bool  # the first choice is the original piece


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, float)) or seed != int(seed) or not 0 <= seed <= MAX_SEED:
        raise UserError("pre_seed_range", limit=f"{MAX_SEED:,}")
    return int(seed)


def draw(model: LoadedModel, text: str, seed: int) -> Draw:
    """Apply the 15 % / 80-10-10 recipe to the sentence's pieces with a visible seed (tokenizer only)."""
    from transformers import DataCollatorForLanguageModeling

    seed = check_seed(seed)
    analysis = analyze(model, text, detail="tokens")
    collator = DataCollatorForLanguageModeling(model.tokenizer, mlm=True, mlm_probability=PROBABILITY,
                                               mask_replace_prob=MASK_SHARE, random_replace_prob=RANDOM_SHARE,
                                               seed=seed, return_tensors="pt")
    batch = collator([{"input_ids": torch.tensor(analysis.input_ids),
                       "special_tokens_mask": torch.tensor(analysis.special, dtype=torch.long)}])
    ids = batch["input_ids"][0].numpy()
    chosen = batch["labels"][0].numpy() != -100
    kinds = []
    for i, original in enumerate(analysis.input_ids):
        if analysis.special[i]:
            kinds.append("special")
        elif not chosen[i]:
            kinds.append("unchosen")
        elif ids[i] == model.tokenizer.mask_token_id:
            kinds.append("mask")
        else:
            kinds.append("kept" if ids[i] == original else "random")
    return Draw(seed=seed, analysis=analysis, ids=ids, kinds=tuple(kinds))


def recover(model: LoadedModel, result: Draw, classroom: bool = True) -> list[Recovery]:
    """What the masked-LM head predicts at every chosen position, against the original piece."""
    if "mlm" not in model.heads:
        raise UserError("pre_model_has_no_mlm", model=model.name, teacher=fetch_hint(result.analysis.text))
    chosen = result.chosen
    if not chosen:
        return []
    out = forward(model, result.ids, result.analysis.segment_ids, chosen)
    shown = result.input_tokens(model)
    rows = []
    for row, position in enumerate(chosen):
        probs = out.probs[row]
        original = int(result.analysis.input_ids[position])
        (best,), _ = top_pieces(model, probs, 1, classroom)
        rows.append(Recovery(position=position, kind=result.kinds[position],
                             original=result.analysis.tokens[position], shown=shown[position],
                             top=model.tokenizer.convert_ids_to_tokens(best), top_prob=float(probs[best]),
                             original_prob=float(probs[original]), hit=best == original))
    return rows


def summary(result: Draw, rows: list[Recovery] | None) -> Msg:
    """'Seed 7: 3 of 20 pieces chosen: 2 [MASK], 1 random, 0 kept; BERT recovered 2 of 3.'"""
    counts = result.counts()
    n = len(result.kinds) - counts["special"]
    if not result.chosen:
        return Msg("pre_recipe_none", seed=result.seed, n=n)
    drawn = Msg("pre_recipe_drawn", seed=result.seed, chosen=len(result.chosen), n=n, mask=counts["mask"],
                random=counts["random"], kept=counts["kept"])
    if rows is None:
        return drawn
    hits = sum(r.hit for r in rows)
    return Msg("pre_recipe_recovered", drawn=drawn, hits=hits, chosen=len(rows), share=hits / len(rows))
