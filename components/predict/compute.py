"""Multi-label prediction for one text, read from the shared analysis pass.

Design decision: the classifier's encoder runs through ``analyze`` like every other model, so
the logits come from the same cached forward pass the other views could read, and a
prediction on text the vocabulary does not cover is flagged instead of answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.core.analysis import Analysis
from components.core.classifier import Classifier, decide, probabilities

__all__ = ["Prediction", "predict"]


@dataclass(frozen=True, eq=False)
class Prediction:
    labels: tuple[str, ...]
    probs: np.ndarray  # (C,)
    thresholds: np.ndarray  # (C,) the thresholds actually applied
    chosen: np.ndarray  # (C,) bool
    multi_label: bool
    understood: bool  # False when most tokens are [UNK] for this classifier's vocabulary
    warnings: tuple[str, ...]

    def ranked(self) -> list[tuple[str, float, bool]]:
        order = np.argsort(-self.probs, kind="stable")
        return [(self.labels[i], float(self.probs[i]), bool(self.chosen[i])) for i in order]

    def predicted(self) -> list[str]:
        return [label for label, _p, chosen in self.ranked() if chosen]


def predict(classifier: Classifier, analysis: Analysis, global_threshold: float | None = None) -> Prediction:
    """Probabilities and decisions; ``global_threshold`` replaces the tuned per-label ones."""
    if analysis.logits is None:
        raise ValueError(f"{analysis.model_name} has no classification head: choose a classifier.")
    probs = probabilities(classifier, analysis.logits)
    if classifier.multi_label and global_threshold is not None:
        if not 0.0 < global_threshold < 1.0:
            raise ValueError("The global threshold must be between 0 and 1 (for example 0.5).")
        thresholds = np.full(len(probs), float(global_threshold))
        chosen = probs >= thresholds
    else:
        thresholds = np.asarray(classifier.thresholds, dtype=float)
        chosen = decide(classifier, probs).astype(bool)
    understood = analysis.unk_fraction < 0.5
    return Prediction(labels=tuple(classifier.labels), probs=probs, thresholds=thresholds, chosen=chosen,
                      multi_label=classifier.multi_label, understood=understood,
                      warnings=tuple(analysis.warnings()))
