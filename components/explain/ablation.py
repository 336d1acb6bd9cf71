"""Switching attention heads off: one head's output removed (zero) or replaced by its mean, and the scan.

transformers 5 has no ``head_mask``. A head's output is its slice of the concatenated context that enters
the layer's attention output projection (BERT/RoBERTa ``attention.output.dense``, DistilBERT
``attention.out_lin``), so a forward *pre*-hook on that projection rewrites the slice: zero ablation is then
exactly the model with that head's columns of the projection zeroed (tests/test_explain_ablation.py proves
it on tiny BERT, DistilBERT and RoBERTa). Mean ablation puts the head's mean output over a small reference
set of sentences in its place.

Design decision: the model is shared by every request (another student may be predicting with it at this
moment), so the hooks are installed once per encoder and do nothing unless *this* call's context variable
holds an ablation; a hook is never added or removed around a request. The ablation is per row of the batch
(``keep`` is [rows, layers, heads]), so the scan switches off a different head in each row of one batched
forward pass: L x H ablations in a few passes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis, is_chinese
from components.core.cache import Cache
from components.core.classifier import Classifier, probabilities
from components.core.messages import UserError
from components.core.models import LoadedModel
from components.explain.compute import ROW_TOKENS, score_function

__all__ = ["MODES", "Ablation", "Scan", "ablate", "ablated", "head_means", "head_names", "out_projections",
           "parse_heads", "scan"]

MODES = ("zero", "mean")
# Written for the project: the reference set whose mean head outputs replace a head in mean ablation.
REFERENCE = (
    "The library opens at nine on Saturdays.", "My sister painted the fence green last summer.",
    "We missed the bus, so we walked to school.", "Thank you for helping me carry the boxes!",
    "I am not sure the answer to question three is right.", "The soup was too salty, but the bread was great.",
    "Our team finally won the match after a long season.", "Why does the moon look bigger near the horizon?",
    "I forgot my umbrella and got completely soaked.", "The new bridge will make the trip much shorter.",
    "我们周六早上去公园跑步。", "谢谢你昨天帮我复习数学！", "这家店的面条有点咸，但是很好吃。",
    "下雨了，我忘了带伞。", "我不确定第三题的答案对不对。", "我们班终于赢了这场比赛。",
    "为什么月亮在地平线附近看起来更大？", "新的大桥让路程短了很多。",
)


@dataclass
class _Active:
    keep: torch.Tensor | None = None  # [rows or 1, L, H]: 1 keeps a head's output, 0 replaces it
    fill: torch.Tensor | None = None  # [L, H, d] what a replaced head outputs (None: zero)
    record: list[list[torch.Tensor]] | None = None  # per layer: the projection inputs seen (for the means)


_ACTIVE: ContextVar[_Active | None] = ContextVar("bertlens_ablation", default=None)
_INSTALL = threading.Lock()


def out_projections(encoder: torch.nn.Module) -> list[torch.nn.Linear]:
    """Each layer's attention output projection, whose input is the heads' outputs side by side."""
    if hasattr(encoder, "transformer"):  # DistilBERT
        return [layer.attention.out_lin for layer in encoder.transformer.layer]
    return [layer.attention.output.dense for layer in encoder.encoder.layer]


def _hook(layer: int, heads: int):
    def hook(_module, args):
        active = _ACTIVE.get()
        if active is None:
            return None
        x = args[0]
        if active.record is not None:
            active.record[layer].append(x.detach())
            return None
        rows, length, width = x.shape
        keep = active.keep[:, layer].to(x.dtype)[:, None, :, None]  # [rows, 1, H, 1]
        split = x.reshape(rows, length, heads, width // heads)
        fill = 0.0 if active.fill is None else active.fill[layer].to(x.dtype)[None, None]
        return (split * keep + (1 - keep) * fill).reshape(rows, length, width), *args[1:]

    return hook


def _install(model: LoadedModel) -> None:
    with _INSTALL:
        if getattr(model.encoder, "_bertlens_head_hooks", False):
            return
        heads = int(model.config.num_attention_heads)
        for layer, projection in enumerate(out_projections(model.encoder)):
            projection.register_forward_pre_hook(_hook(layer, heads))
        model.encoder._bertlens_head_hooks = True


@contextmanager
def ablated(model: LoadedModel, keep: torch.Tensor | None = None, fill: torch.Tensor | None = None,
            record: list[list[torch.Tensor]] | None = None) -> Iterator[None]:
    """Within the block, this thread's passes through ``model`` drop (or record) head outputs."""
    _install(model)
    token = _ACTIVE.set(_Active(keep=keep, fill=fill, record=record))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def shape(model: LoadedModel) -> tuple[int, int]:
    return int(model.config.num_hidden_layers), int(model.config.num_attention_heads)


def head_names(layers: int, heads: int) -> list[str]:
    """'L1H1' ... 'L{layers}H{heads}', 1-based as the grid shows them."""
    return [f"L{layer}H{head}" for layer in range(1, layers + 1) for head in range(1, heads + 1)]


_NAME = re.compile(r"^L(\d+)H(\d+)$", re.IGNORECASE)


def parse_heads(names: Iterable[str] | None, layers: int, heads: int) -> tuple[tuple[int, int], ...]:
    """'L1H3' -> (0, 2); a malformed or out-of-range name is a message that says what exists."""
    picked = []
    for raw in names or ():
        match = _NAME.match(str(raw).strip())
        if not match or not (1 <= int(match[1]) <= layers and 1 <= int(match[2]) <= heads):
            raise UserError("expl_bad_head", name=str(raw)[:20], layers=layers, heads=heads)
        picked.append((int(match[1]) - 1, int(match[2]) - 1))
    return tuple(sorted(set(picked)))


_means: Cache[torch.Tensor] = Cache("explain_head_means", max_entries=8)


def head_means(model: LoadedModel) -> torch.Tensor:
    """[L, H, d]: each head's mean output over the tokens of the reference sentences the model can read."""
    def compute() -> torch.Tensor:
        tok = model.tokenizer
        english_only = model.language == "en"
        texts = [t for t in REFERENCE if not (english_only and is_chinese(t))]
        enc = tok(texts, padding=True, return_tensors="pt", truncation=True, max_length=model.max_length)
        record: list[list[torch.Tensor]] = [[] for _ in range(shape(model)[0])]
        with torch.inference_mode(), ablated(model, record=record):
            model.run(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids"))
        mask = enc["attention_mask"].bool()
        layers, heads = shape(model)
        return torch.stack([seen[0][mask].mean(0).reshape(heads, -1) for seen in record])

    return _means.get_or_compute(model.name, compute)


@dataclass(frozen=True, eq=False)
class Ablation:
    """Every label's score with all heads on, and with ``heads`` switched off."""

    heads: tuple[tuple[int, int], ...]  # 0-based (layer, head)
    mode: str
    before: np.ndarray  # (C,)
    after: np.ndarray  # (C,)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise UserError("expl_unknown_mode", mode=str(mode)[:20], choices=list(MODES))


def _inputs(analysis: Analysis, rows: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    ids = torch.tensor(np.array(analysis.input_ids))[None].repeat(rows, 1)
    return ids, torch.ones_like(ids), torch.tensor(np.array(analysis.segment_ids))[None].repeat(rows, 1)


def ablate(classifier: Classifier, analysis: Analysis, heads: tuple[tuple[int, int], ...],
           mode: str = "zero") -> Ablation:
    """Before/after scores of every label (two rows of one pass)."""
    _check_mode(mode)
    if not heads:  # nothing switched off: the text's own pass (already made) is both rows
        probs = probabilities(classifier, analysis.logits)
        return Ablation(heads=heads, mode=mode, before=probs, after=probs.copy())
    model = classifier.model
    layers, n_heads = shape(model)
    keep = torch.ones(2, layers, n_heads)
    for layer, head in heads:
        keep[1, layer, head] = 0
    fill = head_means(model) if mode == "mean" else None
    with torch.inference_mode(), ablated(model, keep, fill):
        logits, _, _ = model.run(*_inputs(analysis, 2))
    probs = probabilities(classifier, logits)
    return Ablation(heads=heads, mode=mode, before=probs[0], after=probs[1])


@dataclass(frozen=True, eq=False)
class Scan:
    """The change in one label's score when each head alone is switched off."""

    label_index: int
    output: str
    mode: str
    before: float  # the label's score, all heads on
    after: np.ndarray  # (L, H) the label's score with that head off
    probs_after: np.ndarray  # (L, H, C) every label's score with that head off

    @property
    def delta(self) -> np.ndarray:
        return self.after - self.before


_scans: Cache[Scan] = Cache("explain_scans", max_entries=32)


def scan(classifier: Classifier, analysis: Analysis, label_index: int, output: str = "probability",
         mode: str = "zero") -> Scan:
    """Each head ablated alone: one row per head, in batches of about ``ROW_TOKENS`` tokens (cached)."""
    _check_mode(mode)
    key = (classifier.model.name, analysis.text, analysis.n_tokens, label_index, output, mode)
    return _scans.get_or_compute(key, lambda: _scan(classifier, analysis, label_index, output, mode))


def _scan(classifier: Classifier, analysis: Analysis, label_index: int, output: str, mode: str) -> Scan:
    model = classifier.model
    layers, heads = shape(model)
    score = score_function(classifier.activation, output, label_index)
    fill = head_means(model) if mode == "mean" else None
    total = layers * heads + 1  # row 0 keeps every head
    keep = torch.ones(total, layers, heads)
    keep[1:].view(layers * heads, layers * heads)[torch.arange(layers * heads), torch.arange(layers * heads)] = 0
    per_batch = max(1, ROW_TOKENS // analysis.n_tokens)
    logits = []
    with torch.inference_mode():
        for start in range(0, total, per_batch):
            rows = keep[start:start + per_batch]
            with ablated(model, rows, fill):
                logits.append(model.run(*_inputs(analysis, len(rows)))[0])
    logits = torch.cat(logits)
    scores = score(logits).double().numpy()
    probs = probabilities(classifier, logits)
    return Scan(label_index=label_index, output=output, mode=mode, before=float(scores[0]),
                after=scores[1:].reshape(layers, heads), probs_after=probs[1:].reshape(layers, heads, -1))
