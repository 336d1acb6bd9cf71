"""Multi-label metrics (from ``sklearn.metrics``) and per-label threshold tuning (by hand, see below).

Design decision: every score is scikit-learn's own, with ``zero_division=0`` (a label never
predicted and never present scores 0, not NaN): precision, recall and F1 per label and
macro/micro (``precision_recall_fscore_support``), subset accuracy (``accuracy_score`` on
indicator matrices: a row counts only when every label is right) and ``hamming_loss``.
``tune_thresholds`` stays hand-written because scikit-learn has no per-label search of this
kind: ``TunedThresholdClassifierCV`` tunes one threshold of one binary estimator by
cross-validation on the training data, while we tune each label's threshold on a fixed dev
split's probabilities, over a fixed grid, with a documented tie rule.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["DEFAULT_GRID", "multilabel_metrics", "sigmoid", "tune_thresholds"]

DEFAULT_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def sigmoid(x) -> np.ndarray:
    return expit(np.asarray(x, dtype=np.float64))


def _matrices(y_true, y_pred, label_names) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true).astype(np.uint8)
    p = np.asarray(y_pred).astype(np.uint8)
    if t.shape != p.shape or t.ndim != 2:
        raise ValueError(f"y_true {t.shape} and y_pred {p.shape} must be the same [N, C] shape")
    if len(label_names) != t.shape[1]:
        raise ValueError(f"{len(label_names)} label names for {t.shape[1]} columns")
    return t, p


def multilabel_metrics(y_true, y_pred, label_names) -> dict:
    """Macro/micro P, R, F1, subset accuracy, Hamming loss and per-label scores for 0/1 matrices [N, C]."""
    # imported here: half a second, paid by the first evaluation, not by every start of the app that imports us
    from sklearn.metrics import accuracy_score, hamming_loss, precision_recall_fscore_support

    t, p = _matrices(y_true, y_pred, label_names)
    prec, rec, f1, support = precision_recall_fscore_support(t, p, average=None, zero_division=0)
    micro_p, micro_r, micro_f1, _ = precision_recall_fscore_support(t, p, average="micro", zero_division=0)
    return {
        "macro_f1": float(np.mean(f1)),
        "micro_f1": float(micro_f1),
        "macro_precision": float(np.mean(prec)),
        "macro_recall": float(np.mean(rec)),
        "micro_precision": float(micro_p),
        "micro_recall": float(micro_r),
        "subset_accuracy": float(accuracy_score(t, p)),
        "hamming_loss": float(hamming_loss(t, p)),
        "n_examples": int(t.shape[0]),
        "per_label": {
            str(name): {"precision": float(prec[i]), "recall": float(rec[i]), "f1": float(f1[i]),
                        "support": int(support[i])}
            for i, name in enumerate(label_names)
        },
    }


def tune_thresholds(y_true, probs, grid=DEFAULT_GRID) -> np.ndarray:
    """Per label, the threshold in ``grid`` maximising that label's F1 on (``y_true``, ``probs``).

    A label is predicted when ``prob >= threshold``. Ties go to the threshold closest to 0.5
    (F1 compared after rounding to 12 decimals, so float noise cannot break a tie); a label
    with no positives gets 0.5. ``y_true`` and ``probs`` must both be [N, C].
    """
    t = np.asarray(y_true).astype(bool)
    probs = np.asarray(probs, dtype=np.float64)
    if t.shape != probs.shape or t.ndim != 2:
        raise ValueError(f"tune_thresholds: targets {t.shape} and probabilities {probs.shape} must be the same "
                         "[N, C] shape (were dev and train read with the same label names?)")
    grid = np.asarray(grid, dtype=np.float64)
    out = np.full(t.shape[1], 0.5)
    # closest-to-0.5 first, so argmax (first maximum) breaks ties the way we want
    order = grid[np.argsort(np.abs(grid - 0.5), kind="stable")]
    for j in range(t.shape[1]):
        if not t[:, j].any():
            continue
        pred = probs[:, j][:, None] >= order[None, :]  # [N, G]
        tp = (pred & t[:, j][:, None]).sum(0)
        fp = (pred & ~t[:, j][:, None]).sum(0)
        fn = t[:, j].sum() - tp
        f1 = 2 * tp / (2 * tp + fp + fn)  # tp + fn >= 1 (the label has positives): never 0/0
        out[j] = order[int(np.argmax(np.round(f1, 12)))]
    return out
