"""The Predict view: probabilities from the shared analysis pass, thresholds, honest flags."""

from __future__ import annotations

import numpy as np

from components.core.analysis import analyze
from components.core.classifier import load_classifier
from components.predict.compute import predict, predict_text
from components.predict.figures import label_scores_figure
from tests.tiny import raises_key


def test_gratitude_is_read_as_gratitude(shipped):
    pred = predict(shipped, analyze(shipped.model, "Thank you so much for helping me with my homework!"))
    assert "gratitude" in pred.predicted()
    assert pred.ranked()[0][0] == "gratitude"


def test_several_labels_can_be_true_at_once(shipped):
    pred = predict(shipped, analyze(shipped.model, "Thank you so much, I love it!"))
    assert {"gratitude", "love"} <= set(pred.predicted())


def test_analysis_logits_match_the_batched_classifier(shipped):
    from components.core.classifier import predict_texts

    text = "I'm worried the bus won't come and I'll miss my exam."
    pred = predict(shipped, analyze(shipped.model, text))
    np.testing.assert_allclose(pred.probs, predict_texts(shipped, [text])[0], atol=1e-5)


def test_global_threshold_replaces_the_tuned_ones(shipped):
    analysis = analyze(shipped.model, "What a lovely surprise, I did not expect that at all!")
    tuned = predict(shipped, analysis)
    np.testing.assert_array_equal(tuned.thresholds, shipped.thresholds)
    low = predict(shipped, analysis, global_threshold=0.05)
    assert shipped.thresholds.min() >= 0.05  # so every label passing its tuned threshold passes 0.05
    assert set(tuned.predicted()) <= set(low.predicted())
    assert (low.thresholds == 0.05).all()
    with raises_key("pred_threshold_range"):
        predict(shipped, analysis, global_threshold=1.5)


def test_chinese_on_an_english_classifier_is_one_clear_message(shipped):
    with raises_key("analysis_classifier_english") as err:
        predict_text(shipped, "谢谢你帮我复习，我终于考过了！")
    assert err.value.msg.params["teacher"].key == "teacher_chinese_classifier"  # how to get a Chinese one


def test_text_the_vocabulary_cannot_read_is_flagged_not_answered(shipped):
    pred = predict_text(shipped, "😀🏦👍🎉 🎈")
    assert not pred.understood
    assert "analysis_mostly_unk" in [w.key for w in pred.warnings]


def test_score_chart_is_sorted_and_marks_every_threshold(shipped):
    pred = predict(shipped, analyze(shipped.model, "Thank you so much!"))
    fig = label_scores_figure(pred, "en")
    bars, marks = fig.data
    assert list(bars.x) == sorted(bars.x)  # highest probability drawn on top
    assert len(marks.x) == len(shipped.labels) == 28


def test_a_model_without_head_is_refused(minilm, shipped):
    with raises_key("pred_no_head", model="minilm"):
        predict(shipped, analyze(minilm, "hello"))


def test_predict_and_evaluate_read_a_long_text_the_same_way(shipped):
    """One truncation rule: the app's prediction equals evaluate's batched one on a text past the limit."""
    from components.core.classifier import predict_texts

    text = "Thank you so much for the lovely flowers, " * 20
    pred = predict_text(shipped, text)
    assert pred.n_tokens == shipped.max_length == 64
    np.testing.assert_allclose(pred.probs, predict_texts(shipped, [text])[0], atol=1e-5)


def test_the_classifier_card_reads_in_chinese_from_the_classifiers_own_record():
    """The English card is written by `train`; a Chinese page gets its content (what it is, data, training,
    per-label test scores) from classifier.json, with no English sentence (the control: the English page
    shows the English card)."""
    from components.predict.view import metrics_markdown
    from tests.browser import english_sentences

    classifier = load_classifier(None)
    zh = metrics_markdown(classifier, "zh")
    gratitude = classifier.metrics["test"]["per_label"]["gratitude"]["f1"]
    assert "| 感激 | " in zh and f"{gratitude:.3f}" in zh and f"{classifier.info['data']['n_train']:,}" in zh
    assert english_sentences(zh) == []
    assert english_sentences(metrics_markdown(classifier, "en"))  # control: the detector reads the English card
