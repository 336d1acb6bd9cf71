"""Multi-label prediction for one text, read from the shared analysis pass.

Design decision: the classifier runs through ``analyze`` like every other model (with
``detail="logits"``: Predict shows no attention, so none is collected), truncated by the
classifier's own recorded rule (``Classifier.max_length``, the one ``evaluate`` uses too), and
its scores use the classifier's activation: a sigmoid per label for a multi-label head, a
softmax for a single-label one, exactly as transformers' pipeline chooses. A prediction on text
the vocabulary does not cover is flagged instead of answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.core.analysis import Analysis, analyze
from components.core.classifier import Classifier, decide, probabilities
from components.core.messages import Msg, UserError

__all__ = ["Prediction", "predict", "predict_text"]


@dataclass(frozen=True, eq=False)
class Prediction:
    labels: tuple[str, ...]
    probs: np.ndarray  # (C,)
    thresholds: np.ndarray  # (C,) the thresholds actually applied
    chosen: np.ndarray  # (C,) bool
    activation: str  # "sigmoid", "softmax" or "none"
    understood: bool  # False when most tokens are unknown to this classifier's vocabulary
    n_tokens: int
    warnings: tuple[Msg, ...]

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
                      n_tokens=analysis.n_tokens, warnings=tuple(analysis.warnings()))


def predict_text(classifier: Classifier, text: str, global_threshold: float | None = None) -> Prediction:
    """The prediction for one text, truncated by the classifier's own rule (the app, CLI and evaluate agree)."""
    analysis = analyze(classifier.model, text, max_length=classifier.max_length, detail="logits")
    return predict(classifier, analysis, global_threshold)
