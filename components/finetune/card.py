"""The model card (README.md) written beside every saved classifier.

Design decision: the card is generated from ``classifier.json`` alone (the same dict is saved
next to it), so what the card says about method, data, thresholds and scores can never
disagree with what the app loads. English only: the card is a file for people who train and
ship classifiers, read in an editor or on the Hub; the app shows its own translated summary.
"""

from __future__ import annotations

__all__ = ["model_card", "threshold_rule"]


def threshold_rule(grid) -> str:
    """How ``metrics.tune_thresholds`` chooses, in one sentence (the card and classifier.json quote it)."""
    lo, hi = float(min(grid)), float(max(grid))
    step = round(float(grid[1]) - float(grid[0]), 4) if len(grid) > 1 else 0.0
    return (f"per label, the threshold on the grid {lo:.2f}..{hi:.2f} (step {step:g}) that maximises that label's "
            "F1 on the dev split (predict when probability >= threshold); ties go to the threshold closest to 0.5; "
            "a label with no positive dev example keeps 0.5")


def _method(info: dict) -> str:
    a = info.get("training_args", {})
    features = info.get("features")
    layers = f"`{features['spec']}` (hidden states {features['layers']}, {features['combine']})" if features else \
        "the last layer"
    return {
        "head": "a linear head on the frozen encoder",
        "lora": f"LoRA adapters (r={a.get('lora_r')}, alpha={a.get('lora_alpha')}) on every attention and "
                "feed-forward linear layer, plus a linear head",
        "full": "full fine-tuning of every weight, plus a linear head",
        "sklearn-lr": f"scikit-learn logistic regression (one-vs-rest, C={a.get('sklearn_c')}, lbfgs, "
                      f"max_iter {a.get('sklearn_max_iter')}) on frozen mean-pooled features of {layers}; the "
                      "features were standardised and the standardisation is folded into the linear head's "
                      "weights, so the saved head is an ordinary Linear layer",
    }.get(info["method"], info["method"])


def _row(m: dict) -> str:
    return (f"{m['macro_f1']:.3f} | {m['micro_f1']:.3f} | {m['macro_precision']:.3f} | {m['macro_recall']:.3f} | "
            f"{m['subset_accuracy']:.3f} | {m['hamming_loss']:.4f}")


def _goemotions(info: dict) -> bool:
    return "emotion" in str(info.get("training_args", {}).get("data", "")).lower()


def _reproduce(info: dict) -> str:
    a, method = info.get("training_args", {}), info["method"]
    if not a:
        return "(no training arguments recorded)"
    flags = [f"--base {info['base_model']}", f"--method {method}", f"--max-length {a['max_length']}",
             f"--seed {a['seed']}"]
    if method == "sklearn-lr":
        flags += [f"--layers {info['features']['spec']}" if info.get("features") else "",
                  f"--sklearn-c {a['sklearn_c']} --sklearn-max-iter {a['sklearn_max_iter']}"]
    else:
        flags += [f"--epochs {a['epochs']} --lr {a['lr']} --batch-size {a['batch_size']}"]
        if method != "head" and a.get("head_lr") != a.get("lr"):
            flags.append(f"--head-lr {a['head_lr']}")
        if method == "lora":
            flags.append(f"--lora-r {a['lora_r']} --lora-alpha {a['lora_alpha']}")
        if a.get("pos_weight"):
            flags.append(f"--pos-weight {a['pos_weight']}")
    if a.get("max_examples"):
        flags.append(f"--max-examples {a['max_examples']}")
    flag_text = " \\\n        ".join(f for f in flags if f)
    data = "<GoEmotions dir or google-research-datasets/go_emotions>" if _goemotions(info) else "<the same data>"
    return (f"    python app.py train --data {data} \\\n"
            f"        {flag_text} --out DIR\n"
            f"    python app.py evaluate --classifier DIR --data <same> --split test --json")


def model_card(info: dict) -> str:
    """Markdown for ``info`` (the classifier.json contents as ``train.save_classifier`` writes them)."""
    metrics, data, a = info.get("metrics", {}), info.get("data", {}), info.get("training_args", {})
    lines = [f"# Multi-label emotion classifier ({info['method']}, base `{info['base_model']}`)", "",
             f"What it is: `{info['base_model']}` with {_method(info)}. Mean pooling over non-pad tokens -> "
             f"Linear({len(info['labels'])}); sigmoid per label; a label is predicted when its probability reaches "
             f"its own threshold. Texts are truncated to {info['max_length']} tokens, in training, in `evaluate` "
             "and in the app alike.", ""]
    if data:
        lines += [f"Data: train {data['train']} ({data['n_train']:,} rows); dev {data['dev']} ({data['n_dev']:,}); "
                  f"test {data['test']} ({data['n_test']:,}). Dev and test are read with the train split's label "
                  "names, so their columns line up." + (" GoEmotions is Reddit text with profanity and annotator "
                                                        "noise; scores on other text will differ." if _goemotions(info)
                                                        else ""), ""]
    lines += [f"Thresholds: {info.get('threshold_rule', 'tuned on dev')}. Tuned on: "
              f"{info.get('threshold_source', 'dev')}. Never tuned on test.", ""]
    if "dev" in metrics and "test" in metrics:
        lines += ["| split | macro-F1 | micro-F1 | macro-P | macro-R | subset acc. | Hamming loss |",
                  "|---|---|---|---|---|---|---|",
                  f"| dev | {_row(metrics['dev'])} |", f"| test | {_row(metrics['test'])} |", ""]
    if a:
        budget = (f"{a['epochs']} epochs, lr {a['lr']}, batch {a['batch_size']}, " if info["method"] != "sklearn-lr"
                  else "")
        lines += [f"Training: {budget}max length {a['max_length']}, seed {a['seed']}, "
                  f"{info.get('training_seconds', 0):.0f} s on {info.get('machine', 'an unrecorded machine')}.", ""]
    lines += ["Reproduce:", "", _reproduce(info), ""]
    per = metrics.get("test", {}).get("per_label")
    if per:
        lines += ["Per-label scores on test (threshold tuned on dev):", "",
                  "| label | precision | recall | F1 | support | threshold |", "|---|---|---|---|---|---|"]
        lines += [f"| {n} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | {thr:.2f} |"
                  for (n, v), thr in zip(per.items(), info["thresholds"])]
    return "\n".join(lines) + "\n"
