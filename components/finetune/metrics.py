"""Multi-label metrics and per-label threshold tuning, in plain numpy (0/0 is defined as 0)."""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_GRID", "multilabel_metrics", "tune_thresholds", "sigmoid", "softmax"]

DEFAULT_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def sigmoid(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(x, axis: int = -1) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _div(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _f1(p, r):
    return _div(2 * p * r, p + r)


def multilabel_metrics(y_true, y_pred, label_names) -> dict:
    """Macro/micro P, R, F1, subset accuracy, Hamming loss and per-label scores for 0/1 matrices."""
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    if t.shape != p.shape or t.ndim != 2:
        raise ValueError(f"y_true {t.shape} and y_pred {p.shape} must be the same [N, C] shape")
    if len(label_names) != t.shape[1]:
        raise ValueError(f"{len(label_names)} label names for {t.shape[1]} columns")
    tp = (t & p).sum(0)
    fp = (~t & p).sum(0)
    fn = (t & ~p).sum(0)
    prec, rec = _div(tp, tp + fp), _div(tp, tp + fn)
    f1 = _f1(prec, rec)
    micro_p, micro_r = float(_div(tp.sum(), tp.sum() + fp.sum())), float(_div(tp.sum(), tp.sum() + fn.sum()))
    return {
        "macro_f1": float(f1.mean()),
        "micro_f1": float(_f1(micro_p, micro_r)),
        "macro_precision": float(prec.mean()),
        "macro_recall": float(rec.mean()),
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "subset_accuracy": float((t == p).all(1).mean()) if len(t) else 0.0,
        "hamming_loss": float((t != p).mean()) if t.size else 0.0,
        "n_examples": int(t.shape[0]),
        "per_label": {
            str(name): {"precision": float(prec[i]), "recall": float(rec[i]), "f1": float(f1[i]),
                        "support": int(t[:, i].sum())}
            for i, name in enumerate(label_names)
        },
    }


def tune_thresholds(y_true, probs, grid=DEFAULT_GRID) -> np.ndarray:
    """Per label, the threshold in ``grid`` maximising that label's F1 (predict ``prob >= thr``).

    Ties go to the threshold closest to 0.5; a label with no positives gets 0.5.
    """
    t = np.asarray(y_true).astype(bool)
    probs = np.asarray(probs, dtype=np.float64)
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
        f1 = _div(2 * tp, 2 * tp + fp + fn)
        out[j] = order[int(np.argmax(np.round(f1, 12)))]
    return out
