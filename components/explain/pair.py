"""Two sentences explained for one label (a minimal pair): the label is chosen on the first sentence and
explained in both, with the same method, output and steps, so the two rows of attributions are comparable.

Design decision: "top label" means the first sentence's top label, kept for the second, since a comparison
of two different labels' attributions would compare nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.core.analysis import Analysis
from components.core.classifier import Classifier
from components.explain.compute import DEFAULT_STEPS, Explanation, explain

__all__ = ["ExplanationPair", "explain_pair"]


@dataclass(frozen=True, eq=False)
class ExplanationPair:
    first: Explanation
    second: Explanation

    @property
    def change(self) -> np.ndarray:
        """(C,) every label's score (the classifier's activation) for the second sentence minus the first."""
        return self.second.probs - self.first.probs

    @property
    def value_change(self) -> float:
        """The explained score (probability or logit) of the second sentence minus the first."""
        return self.second.value - self.first.value


def explain_pair(classifier: Classifier, first: str | Analysis, second: str | Analysis, label: str | None = None,
                 method: str = "ig", output: str = "probability", steps: int = DEFAULT_STEPS) -> ExplanationPair:
    """Both sentences explained for the same label (the first sentence's top label when none is given)."""
    one = explain(classifier, first, label, method, output, steps)
    return ExplanationPair(one, explain(classifier, second, one.label, method, output, steps))
