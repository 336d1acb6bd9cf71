"""Two sentences' attention compared (a minimal pair): the same view, layer and head of each, and their
difference when the cells line up.

Design decision: a difference is taken only when both matrices have the same number of pieces (after the
same tokens are hidden), cell by cell, in reading order; then cell (i, j) is "piece i looks at piece j" in
both sentences, whatever the pieces are ("The dog bit the man" / "The man bit the dog"). With different
counts there is no cell-to-cell meaning, so the two are shown side by side instead: never a difference of
misaligned rows. The all-heads grid is compared as the mean of its heads (one map per sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.attention.compute import AttentionView, attention_view
from components.core.analysis import Analysis

__all__ = ["COMPARED", "AttentionPair", "compare_views"]

COMPARED = {"head": "head", "mean": "mean", "grid": "mean", "rollout": "rollout"}  # view shown -> view compared


@dataclass(frozen=True, eq=False)
class AttentionPair:
    first: AttentionView
    second: AttentionView

    @property
    def aligned(self) -> bool:
        """Both matrices have the same number of pieces, so their cells can be subtracted."""
        return self.first.matrix.shape == self.second.matrix.shape

    @property
    def difference(self) -> np.ndarray | None:
        """(T, T) second minus first, or None when the pieces do not line up."""
        if not self.aligned:
            return None
        return self.second.matrix.astype(np.float64) - self.first.matrix.astype(np.float64)


def compare_views(first: Analysis, second: Analysis, view: str, layer: int, head: int = 0, *,
                  hide_special: bool = False, hide_punct: bool = False) -> AttentionPair:
    """The same view of both analyses (the grid as its head mean), the same tokens hidden in both."""
    compared = COMPARED.get(view, view)  # an unknown view reaches attention_view, which names the views
    return AttentionPair(*(attention_view(analysis, compared, layer, head, hide_special=hide_special,
                                          hide_punct=hide_punct) for analysis in (first, second)))
