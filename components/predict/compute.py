"""Multi-label prediction for one text, read from the shared analysis pass.

Design decision: the classifier runs through ``analyze`` like every other model (with
``detail="logits"``: Predict shows no attention, so none is collected), truncated by the
classifier's own recorded rule (``Classifier.max_length``, the one ``evaluate`` uses too), and
its scores use the classifier's activation: a sigmoid per label for a multi-label head, a
softmax for a single-label one, exactly as transformers' pipeline chooses. A prediction on text
the vocabulary does not cover is flagged instead of answered. Two sentences compared (a minimal
pair) are two predictions by the same classifier with the same thresholds; the change of a label is
the difference of its two scores, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.core.analysis import Analysis, analyze
from components.core.classifier import Classifier, decide, probabilities
from components.core.messages import Msg, UserError

__all__ = ["Comparison", "Prediction", "compare", "predict", "predict_text"]


@dataclass(frozen=True, eq=False)
class Prediction:
    labels: tuple[str, ...]
    probs: np.ndarray  # (C,)
    thresholds: np.ndarray  # (C,) the thresholds actually applied
    chosen: np.ndarray  # (C,) bool
    activation: str  # "sigmoid", "softmax" or "none"
    understood: bool  # False when most tokens are unknown to this classifier's vocabulary
    n_tokens: int  # tokens read, [CLS] and [SEP] included
    n_tokens_full: int  # tokens of the whole sentence (more than n_tokens when it was cut)
    warnings: tuple[Msg, ...]

    @property
    def truncated(self) -> bool:
        return self.n_tokens_full > self.n_tokens

    @property
    def multi_label(self) -> bool:
        return self.activation == "sigmoid"

    def ranked(self) -> list[tuple[str, float, bool]]:
        order = np.argsort(-self.probs, kind="stable")
        return [(self.labels[i], float(self.probs[i]), bool(self.chosen[i])) for i in order]

    def predicted(self) -> list[str]:
        return [label for label, _p, chosen in self.ranked() if chosen]

    def scores(self) -> dict[str, float]:
        return {label: float(p) for label, p in zip(self.labels, self.probs)}


def predict(classifier: Classifier, analysis: Analysis, global_threshold: float | None = None) -> Prediction:
    """Scores and decisions; ``global_threshold`` replaces the tuned per-label ones."""
    if analysis.logits is None:
        raise UserError("pred_no_head", model=analysis.model_name)
    probs = probabilities(classifier, analysis.logits)
    if classifier.multi_label and global_threshold is not None:
        if not 0.0 < global_threshold < 1.0:
            raise UserError("pred_threshold_range")
        thresholds = np.full(len(probs), float(global_threshold))
        chosen = probs >= thresholds
    else:
        thresholds = np.asarray(classifier.thresholds, dtype=float)
        chosen = decide(classifier, probs).astype(bool)
    return Prediction(labels=tuple(classifier.labels), probs=probs, thresholds=thresholds, chosen=chosen,
                      activation=classifier.activation, understood=analysis.unk_fraction < 0.5,
                      n_tokens=analysis.n_tokens, n_tokens_full=analysis.n_tokens_full,
                      warnings=tuple(analysis.warnings()))


def predict_text(classifier: Classifier, text: str, global_threshold: float | None = None) -> Prediction:
    """The prediction for one text, truncated by the classifier's own rule (the app, CLI and evaluate agree)."""
    analysis = analyze(classifier.model, text, max_length=classifier.max_length, detail="logits")
    return predict(classifier, analysis, global_threshold)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two sentences scored by one classifier: the first, the second, and each label's change."""

    first: Prediction
    second: Prediction

    @property
    def labels(self) -> tuple[str, ...]:
        return self.first.labels

    @property
    def change(self) -> np.ndarray:
        """(C,) second score minus first score of every label."""
        return self.second.probs - self.first.probs

    def gained(self) -> list[str]:
        """Labels predicted for the second sentence and not for the first."""
        return [label for label, a, b in zip(self.labels, self.first.chosen, self.second.chosen) if b and not a]

    def lost(self) -> list[str]:
        return [label for label, a, b in zip(self.labels, self.first.chosen, self.second.chosen) if a and not b]

    def largest(self, n: int = 3) -> list[int]:
        """Indices of the ``n`` labels that moved most (largest absolute change first)."""
        return [int(i) for i in np.argsort(-np.abs(self.change), kind="stable")[:n]]


def compare(first: Prediction, second: Prediction) -> Comparison:
    """The two predictions side by side; both must come from the same classifier (same labels)."""
    if first.labels != second.labels:
        raise ValueError("a comparison needs two predictions of the same classifier")
    return Comparison(first=first, second=second)
