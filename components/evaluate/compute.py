"""Per-label evaluation of a multi-label classifier: scores, co-occurrence, and the examples behind them.

Design decision: every score is scikit-learn's (``precision_recall_fscore_support``, via
``finetune.metrics.multilabel_metrics``), with each label's threshold beside it; the co-occurrence
matrix counts, for every row, each (true label, predicted label) pair, so a multi-label row adds
to several cells (a single-label confusion matrix cannot show a row with two emotions). Dataset
sentences shown pass the classroom filter (Pre-training's word list, applied word by word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from components.finetune.metrics import multilabel_metrics

__all__ = ["Evaluation", "classroom_rows", "cooccurrence", "errors_for", "evaluate_texts", "per_label_metrics"]

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, eq=False)
class Evaluation:
    texts: tuple[str, ...]
    targets: np.ndarray  # [N, C] 0/1
    probs: np.ndarray  # [N, C]
    preds: np.ndarray  # [N, C] 0/1, the classifier's own thresholds
    labels: tuple[str, ...]
    thresholds: np.ndarray  # [C]


def per_label_metrics(targets, preds, labels, thresholds) -> dict:
    """multilabel_metrics plus each label's threshold under ``per_label[name]["threshold"]``."""
    m = multilabel_metrics(targets, preds, labels)
    for name, th in zip(labels, np.asarray(thresholds, dtype=float)):
        m["per_label"][str(name)]["threshold"] = float(th)
    return m


def evaluate_texts(classifier, texts, targets, batch_size: int = 64, progress=None) -> Evaluation:
    """Score ``texts`` with ``classifier`` (batched; ``progress(done, total)`` after each chunk)."""
    from components.core.classifier import decide, predict_texts

    texts = tuple(texts)
    chunk = max(batch_size * 4, 1)
    probs = np.zeros((len(texts), len(classifier.labels)))
    for start in range(0, len(texts), chunk):
        probs[start:start + chunk] = predict_texts(classifier, texts[start:start + chunk], batch_size=batch_size)
        if progress is not None:
            progress(min(start + chunk, len(texts)), len(texts))
    return Evaluation(texts, np.asarray(targets, dtype=np.uint8), probs, decide(classifier, probs),
                      tuple(classifier.labels), np.asarray(classifier.thresholds, dtype=float))


def cooccurrence(targets, preds) -> np.ndarray:
    """[C, C] counts: cell (i, j) = rows whose true labels include i and predicted labels include j."""
    return np.asarray(targets, dtype=np.int64).T @ np.asarray(preds, dtype=np.int64)


def errors_for(ev: Evaluation, label: str) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(misses, false alarms) of ``label``: (row, score) pairs, most confident mistakes first."""
    j = ev.labels.index(label)
    t, p, s = ev.targets[:, j].astype(bool), ev.preds[:, j].astype(bool), ev.probs[:, j]
    misses = sorted(((int(i), float(s[i])) for i in np.flatnonzero(t & ~p)), key=lambda x: x[1])
    alarms = sorted(((int(i), float(s[i])) for i in np.flatnonzero(~t & p)), key=lambda x: -x[1])
    return misses, alarms


def hides(text: str) -> bool:
    """Whether the classroom filter hides this sentence (a word of it is on the filter's list)."""
    from components.pretraining.filter import is_offensive

    return any(is_offensive(w) for w in _WORD.findall(text))


def classroom_rows(rows, texts, classroom: bool = True) -> tuple[list, int]:
    """(rows the class may see, how many the filter hid); ``rows`` are (index, score) pairs."""
    if not classroom:
        return list(rows), 0
    shown = [r for r in rows if not hides(texts[r[0]])]
    return shown, len(rows) - len(shown)
