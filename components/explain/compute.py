"""Why this label? One label's score attributed to the input tokens with captum, and attention beside it.

Design decisions:
- The output explained is the label's score as the classifier itself reads it: the label's sigmoid for a
  multi-label head, its softmax probability for a single-label one (``Classifier.activation``, the
  pipeline's rule: never a softmax over a multi-label head), or the raw logit on request.
- The attributions are on the word embeddings: captum's ``IntegratedGradients`` and ``InputXGradient``
  take the word embeddings of the text (looked up once) as their input and the forward function feeds them
  to the model as ``inputs_embeds``. Nothing is hooked: the model is shared by every request (Predict may
  be reading it in another thread). IG is then what it must be and no more: one batched forward and
  backward of the interpolated inputs (``internal_batch_size`` splits it only above ``ROW_TOKENS``: memory).
- Integrated Gradients' baseline is the same sequence with every token the tokenizer did not add replaced
  by the pad token ([CLS]/[SEP] kept), with the same attention mask, positions and segments. f(x) is the
  classifier's own reading of the text, already made (``read``): no second forward; f(baseline) is one
  row fed as ``inputs_embeds`` like every step of the path, so RoBERTa's positions (which it derives from
  the ids, skipping pads) are the input's in all of them (the text's own pass reads them from the ids: the
  same positions unless the text holds the pad token itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from components.core.analysis import Analysis, analyze, is_chinese
from components.core.cache import Cache
from components.core.classifier import LABEL_KEYS, SHIPPED_CLASSIFIER, Classifier, label_text, probabilities
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel

__all__ = [
    "DEFAULT_STEPS", "GAP_LIMIT", "MAX_STEPS", "METHODS", "OUTPUTS", "SATURATION", "AttentionComparison",
    "Explanation", "Unit", "attention_comparison", "baseline_ids", "explain", "known_labels", "logits_from_embeddings",
    "read", "resolve_label", "score_function", "unit_scores", "units",
]

METHODS = ("ig", "gradxinput")
OUTPUTS = ("probability", "logit")
DEFAULT_STEPS = 32
MAX_STEPS = 512
GAP_LIMIT = 0.05  # completeness gap above which the view says "increase steps"
SATURATION = 0.01  # a probability within this of 0 or 1 sits where the sigmoid is flat: nothing moves it
ROW_TOKENS = 4096  # rows x tokens per batched pass: 64 rows of 64 tokens, 8 rows of 512


@dataclass(frozen=True, eq=False)
class Explanation:
    """Per-token attributions of one label's score, with the numbers that check them."""

    analysis: Analysis  # the classifier's own pass over the text (tokens, offsets, attentions)
    labels: tuple[str, ...]
    label_index: int
    method: str  # "ig" or "gradxinput"
    output: str  # "probability" (the classifier's activation) or "logit"
    activation: str
    steps: int  # IG steps (1 for gradient x input)
    attributions: np.ndarray  # (T,) summed over the embedding dimension
    value: float  # f(x): the explained score of the text
    baseline_value: float  # f(baseline): [PAD] sequence (IG) or all-zero word embeddings (gradient x input)
    probs: np.ndarray  # (C,) every label's score with the classifier's activation

    @property
    def label(self) -> str:
        return self.labels[self.label_index]

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.analysis.tokens

    @property
    def delta(self) -> float:
        return self.value - self.baseline_value

    @property
    def total(self) -> float:
        return float(self.attributions.sum())

    @property
    def gap(self) -> float | None:
        """(sum of attributions - (f(x) - f(baseline))) / |f(x) - f(baseline)|; None when f(x) = f(baseline)."""
        return None if abs(self.delta) < 1e-6 else (self.total - self.delta) / abs(self.delta)

    @property
    def saturated(self) -> bool:
        """A probability so close to 0 or 1 that attributions and switched-off heads barely move it."""
        return (self.output == "probability" and self.activation in ("sigmoid", "softmax")
                and not SATURATION <= self.value <= 1 - SATURATION)

    @property
    def needs_more_steps(self) -> bool:
        return self.method == "ig" and self.gap is not None and abs(self.gap) > GAP_LIMIT

    def warnings(self) -> list[Msg]:
        """The analysis's notes, with truncation said the way this lesson needs it."""
        notes = [m for m in self.analysis.warnings() if m.key != "analysis_truncated"]
        if self.analysis.truncated:
            notes.insert(0, Msg("expl_truncated", full=self.analysis.n_tokens_full, shown=self.analysis.n_tokens))
        return notes

    def as_json(self, text: str) -> dict:
        """The CLI's (and the API's) record: the issue's keys, ``attributions`` aligned with ``tokens``."""
        return {"text": text, "label": self.label, "prob": self.value, "baseline_prob": self.baseline_value,
                "completeness_gap": self.gap, "tokens": list(self.tokens),
                "attributions": [float(a) for a in self.attributions]}


def known_labels(path: str | Path | None) -> tuple[str, ...]:
    """A classifier's labels read from its JSON files without loading it (for menus at build time)."""
    folder = Path(path).expanduser() if path else SHIPPED_CLASSIFIER
    try:
        if (folder / "classifier.json").is_file():
            return tuple(json.loads((folder / "classifier.json").read_text(encoding="utf-8"))["labels"])
        if (folder / "config.json").is_file():
            id2label = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("id2label", {})
            return tuple(str(id2label[k]) for k in sorted(id2label, key=int))
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return ()


def resolve_label(classifier: Classifier, label: str | None, probs: np.ndarray) -> int:
    """The label's index: its name (any case) or its Chinese name; empty means the top label."""
    wanted = (label or "").strip()
    if not wanted:
        return int(np.argmax(probs))
    for index, name in enumerate(classifier.labels):
        if wanted.lower() == name.lower() or (name in LABEL_KEYS and wanted == label_text(name, "zh")):
            return index
    raise UserError("expl_unknown_label", label=wanted[:60], labels=list(classifier.labels))


def score_function(activation: str, output: str, index: int) -> Callable[[torch.Tensor], torch.Tensor]:
    """logits [B, C] -> the explained score [B] of label ``index``."""
    if output not in OUTPUTS:
        raise UserError("expl_unknown_output", output=str(output)[:40], choices=list(OUTPUTS))
    if output == "logit" or activation == "none":
        return lambda logits: logits[:, index]
    if activation == "sigmoid":
        return lambda logits: torch.sigmoid(logits[:, index])
    return lambda logits: torch.softmax(logits, dim=-1)[:, index]


def logits_from_embeddings(model: LoadedModel, embeds: torch.Tensor, mask: torch.Tensor,
                           segments: torch.Tensor) -> torch.Tensor:
    """``LoadedModel.run`` from word embeddings instead of ids (the model adds positions and segments)."""
    kwargs = dict(inputs_embeds=embeds, attention_mask=mask)
    if model.uses_token_types:
        kwargs["token_type_ids"] = segments
    if model.head is None:  # a transformers classifier runs its own head
        return model.full(**kwargs).logits
    return model.head(model.encoder(**kwargs).last_hidden_state, mask)


def baseline_ids(analysis: Analysis, pad_id: int) -> np.ndarray:
    """The input ids with every token the tokenizer did not add replaced by ``pad_id``.

    A special token the student typed ("[MASK]" as text) is part of the text, so it is replaced too.
    """
    added = analysis.special & np.array([b <= a for a, b in analysis.offsets], dtype=bool)
    return np.where(added, analysis.input_ids, pad_id)


def _check(method: str, output: str, steps: int) -> None:
    if output not in OUTPUTS:
        raise UserError("expl_unknown_output", output=str(output)[:40], choices=list(OUTPUTS))
    if method not in METHODS:
        raise UserError("expl_unknown_method", method=str(method)[:40], choices=list(METHODS))
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_STEPS:
        raise UserError("expl_steps_range", steps=str(steps)[:20], limit=MAX_STEPS)


def read(classifier: Classifier, text: str) -> Analysis:
    """The classifier's own pass over ``text`` (cached), truncated by its rule, with attentions (scripts; the
    tab reads it through ``Services.reading``)."""
    try:
        analysis = analyze(classifier.model, text, max_length=classifier.max_length, detail="full")
    except UserError as err:  # the generic message points at the Model menu, which does not pick classifiers
        if err.msg.key != "analysis_needs_chinese_model":
            raise
        base = str(classifier.info.get("base_model", classifier.model.name))
        raise UserError("expl_needs_chinese", base=base, teacher=Msg("teacher_chinese_classifier")) from None
    return _checked(analysis)


def _checked(analysis: Analysis) -> Analysis:
    if analysis.logits is None:
        raise UserError("expl_no_head", model=analysis.model_name)
    if analysis.attentions is None:
        raise ValueError("Explain needs a full analysis (detail='full'): attentions are compared")
    return analysis


_explanations: Cache[Explanation] = Cache("explanations", max_entries=64)


def explain(classifier: Classifier, source: str | Analysis, label: str | None = None, method: str = "ig",
            output: str = "probability", steps: int = DEFAULT_STEPS) -> Explanation:
    """Attributions of one label's score for a text (or the classifier's full ``Analysis`` of it, as the tab
    reads it through ``Services``), read as the classifier reads it (cached)."""
    _check(method, output, steps)
    analysis = _checked(source) if isinstance(source, Analysis) else read(classifier, source)
    probs = probabilities(classifier, analysis.logits)
    index = resolve_label(classifier, label, probs)
    steps = 1 if method == "gradxinput" else steps
    key = (classifier.model.name, analysis.text, classifier.max_length, index, method, output, steps)
    return _explanations.get_or_compute(key, lambda: _attribute(classifier, analysis, probs, index, method,
                                                                 output, steps))


def _attribute(classifier: Classifier, analysis: Analysis, probs: np.ndarray, index: int, method: str,
               output: str, steps: int) -> Explanation:
    from captum.attr import InputXGradient, IntegratedGradients

    model = classifier.model
    score = score_function(classifier.activation, output, index)

    def forward(embeds: torch.Tensor, mask: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
        return score(logits_from_embeddings(model, embeds, mask, segments))

    ids = torch.tensor(np.array(analysis.input_ids))[None]
    mask = torch.ones_like(ids)
    segments = torch.tensor(np.array(analysis.segment_ids))[None]
    pad = model.tokenizer.pad_token_id
    base = torch.as_tensor(baseline_ids(analysis, 0 if pad is None else int(pad)))[None]
    words = model.encoder.embeddings.word_embeddings
    with torch.no_grad():  # looked up once, not at every step; no_grad (not inference) tensors: captum differentiates
        embeds = words(ids)
        start = torch.zeros_like(embeds) if method == "gradxinput" else words(base)
    with torch.enable_grad():
        if method == "ig":
            rows = max(1, ROW_TOKENS // ids.shape[1])
            attributions = IntegratedGradients(forward).attribute(
                embeds, baselines=start, additional_forward_args=(mask, segments), n_steps=steps,
                internal_batch_size=None if steps <= rows else rows)
        else:
            attributions = InputXGradient(forward).attribute(embeds.clone().requires_grad_(True),
                                                              additional_forward_args=(mask, segments))
    with torch.inference_mode():
        baseline_value = float(forward(start, mask, segments)[0])
        value = float(score(torch.from_numpy(np.array(analysis.logits))[None])[0])  # the text's own pass
    per_token = attributions[0].detach().sum(-1).double().numpy()
    per_token.setflags(write=False)
    return Explanation(analysis=analysis, labels=tuple(classifier.labels), label_index=index, method=method,
                       output=output, activation=classifier.activation, steps=steps, attributions=per_token,
                       value=value, baseline_value=baseline_value, probs=probs)


@dataclass(frozen=True)
class Unit:
    """What one bar and one highlighted span show: a token, or a word summed from its pieces."""

    text: str
    indices: tuple[int, ...]
    start: int  # character span in the analysed text; start == end for tokens the tokenizer added
    end: int
    special: bool


def units(explanation: Explanation, words: bool = False) -> list[Unit]:
    """Tokens as WordPiece spells them, or (``words``) the tokenizer's words with their pieces summed."""
    a = explanation.analysis
    out: list[Unit] = []
    for i, token in enumerate(a.tokens):
        start, end = a.offsets[i]
        added = bool(a.special[i]) and end <= start
        word = a.word_ids[i]
        previous = out[-1] if out else None
        if (words and previous is not None and not added and not previous.special and word is not None
                and a.word_ids[previous.indices[-1]] == word):
            out[-1] = Unit(a.text[previous.start:max(end, previous.end)], (*previous.indices, i), previous.start,
                           max(end, previous.end), False)
        else:
            out.append(Unit(a.text[start:end] if words and not added else token, (i,), start, end, added))
    return out


def unit_scores(explanation: Explanation, groups: list[Unit]) -> np.ndarray:
    return np.array([explanation.attributions[list(u.indices)].sum() for u in groups])


def chinese_words_are_characters(explanation: Explanation, groups: list[Unit]) -> bool:
    """True when the text is Chinese and the tokenizer's word ids give one character per word (BERT's do)."""
    text = explanation.analysis.text
    return is_chinese(text) and all(len(u.text) <= 1 for u in groups if not u.special)


@dataclass(frozen=True, eq=False)
class AttentionComparison:
    """Where [CLS] looks, beside the attribution: rollout and last-layer mean, and their rank correlations."""

    rollout: np.ndarray  # (T,) attention rollout from [CLS] after the last layer
    last_mean: np.ndarray  # (T,) last layer's mean over heads, the [CLS] row
    rho_rollout: float | None  # Spearman with |attribution| over the text's tokens ([CLS]/[SEP] left out)
    rho_last: float | None
    n: int  # tokens compared


def _spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(spearmanr(x, y).statistic)


def attention_comparison(explanation: Explanation, groups: list[Unit] | None = None) -> AttentionComparison:
    """Rollout (Abnar & Zuidema 2020) and last-layer attention from [CLS], per unit, ranked against |attribution|."""
    from components.attention.compute import rollout

    a = explanation.analysis
    groups = groups or units(explanation)
    cls_rollout = rollout(a.attentions)[-1][0].astype(np.float64)
    cls_last = a.attentions[-1].mean(axis=0)[0].astype(np.float64)
    sums = [np.array([v[list(u.indices)].sum() for u in groups]) for v in (cls_rollout, cls_last)]
    keep = np.array([not u.special for u in groups])
    magnitude = np.abs(unit_scores(explanation, groups))[keep]
    return AttentionComparison(rollout=sums[0], last_mean=sums[1], rho_rollout=_spearman(sums[0][keep], magnitude),
                               rho_last=_spearman(sums[1][keep], magnitude), n=int(keep.sum()))
