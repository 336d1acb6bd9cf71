"""Metrics (sklearn.metrics underneath) and threshold tuning against small cases computed by hand."""

import numpy as np
import pytest

from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds

NAMES = ("a", "b", "c")


@pytest.fixture
def case():
    # rows: examples, columns: labels a, b, c
    y_true = np.array([[1, 0, 0],
                       [1, 1, 0],
                       [0, 1, 0],
                       [0, 0, 0]])
    y_pred = np.array([[1, 0, 0],
                       [0, 1, 1],
                       [1, 1, 0],
                       [0, 0, 0]])
    return y_true, y_pred


def test_per_label_counts(case):
    m = multilabel_metrics(*case, NAMES)
    a, b, c = (m["per_label"][n] for n in NAMES)
    # a: tp 1, fp 1, fn 1 -> P 1/2, R 1/2, F1 1/2
    assert (a["precision"], a["recall"], a["f1"], a["support"]) == pytest.approx((0.5, 0.5, 0.5, 2))
    # b: tp 2, fp 0, fn 0 -> all 1
    assert (b["precision"], b["recall"], b["f1"], b["support"]) == pytest.approx((1, 1, 1, 2))
    # c: tp 0, fp 1, fn 0 -> P 0, R 0/0 := 0, F1 0
    assert (c["precision"], c["recall"], c["f1"], c["support"]) == (0, 0, 0, 0)


def test_aggregates(case):
    m = multilabel_metrics(*case, NAMES)
    assert m["macro_f1"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert m["macro_precision"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert m["macro_recall"] == pytest.approx((0.5 + 1 + 0) / 3)
    # micro: tp 3, fp 2, fn 1 -> P 3/5, R 3/4, F1 = 2*.6*.75/1.35 = 2/3
    assert m["micro_f1"] == pytest.approx(2 / 3)
    assert m["subset_accuracy"] == pytest.approx(2 / 4)  # rows 0 and 3 exactly right
    assert m["hamming_loss"] == pytest.approx(3 / 12)  # 3 wrong cells out of 12


def test_all_empty_is_zero_not_nan():
    m = multilabel_metrics(np.zeros((3, 2)), np.zeros((3, 2)), ("x", "y"))
    assert m["macro_f1"] == 0 and m["micro_f1"] == 0 and m["subset_accuracy"] == 1
    assert m["hamming_loss"] == 0


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        multilabel_metrics(np.zeros((3, 2)), np.zeros((3, 3)), ("x", "y"))
    with pytest.raises(ValueError):
        multilabel_metrics(np.zeros((3, 2)), np.zeros((3, 2)), ("x",))


def test_tune_thresholds_hand_made():
    y = np.array([[1, 0, 1],
                  [1, 0, 0],
                  [0, 0, 1],
                  [0, 0, 0]])
    p = np.array([[0.9, 0.8, 0.30],
                  [0.3, 0.1, 0.20],
                  [0.2, 0.7, 0.30],
                  [0.1, 0.2, 0.25]])
    grid = np.array([0.1, 0.25, 0.3, 0.5, 0.8])
    thr = tune_thresholds(y, p, grid)
    # label 0: 0.25 and 0.3 both predict rows 0,1 (F1 1); the tie goes to 0.3, closer to 0.5.
    # (0.1 adds rows 2,3: F1 0.67; 0.5 drops row 1: F1 0.67)
    assert thr[0] == pytest.approx(0.3)
    # label 1 has no positives -> 0.5
    assert thr[1] == pytest.approx(0.5)
    # label 2: thr 0.3 -> rows 0,2 perfect; 0.25 adds row 3 (F1 0.8); 0.1 -> 0.667
    assert thr[2] == pytest.approx(0.3)


def test_tune_thresholds_tie_prefers_closest_to_half():
    y = np.array([[1], [0]])
    p = np.array([[0.9], [0.1]])
    # every threshold in (0.1, 0.9] separates perfectly: 0.5 wins over 0.2 and 0.8
    assert tune_thresholds(y, p, np.array([0.2, 0.5, 0.8]))[0] == pytest.approx(0.5)
    # without 0.5, 0.45 is closer than 0.2 and 0.8
    assert tune_thresholds(y, p, np.array([0.2, 0.45, 0.8]))[0] == pytest.approx(0.45)


def test_tune_thresholds_refuses_misaligned_shapes():
    """Targets with 3 label columns and probabilities with 2 (a split read with other label names)."""
    with pytest.raises(ValueError, match="same"):
        tune_thresholds(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="same"):
        tune_thresholds(np.zeros((4, 2)), np.zeros((5, 2)))


def test_no_warning_for_labels_never_predicted(case, recwarn):
    """zero_division=0: a label with no prediction and no support scores 0 silently (no UndefinedMetricWarning)."""
    multilabel_metrics(np.zeros((3, 2)), np.zeros((3, 2)), ("x", "y"))
    assert not [w for w in recwarn if "Undefined" in type(w.message).__name__]


def test_sigmoid():
    assert sigmoid(np.array([0.0]))[0] == pytest.approx(0.5)
    assert sigmoid(np.array([-1000.0, 1000.0])) == pytest.approx([0.0, 1.0])  # no overflow
