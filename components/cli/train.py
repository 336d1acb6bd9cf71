"""Command-line wiring for ``train`` and ``evaluate`` (added to the app's argparse subcommands)."""

from __future__ import annotations

import argparse
import json

__all__ = ["add_evaluate_parser", "add_train_parser", "evaluate", "register", "run_evaluate", "run_train"]


LAYERS_HELP = """layer specs (--layers SPEC, sklearn-lr): 0 is the embedding output, 1..L the transformer layers
  SPEC  := [COMBINE:]ITEMS      COMBINE: mean (default), sum or concat; every layer is mean-pooled first
  ITEMS := ITEM[,ITEM...]       ITEM: a layer 0..L (negative counts from the end: -1 last, -2 second-to-last),
                                embeddings, last, lastN (the last N layers), all (layers 1..L)
  examples: embeddings   3   -2   last   sum:last4   concat:last4   sum:all
  Features are cached under ~/.cache/bertlens/features ($XDG_CACHE_HOME), so a sweep extracts once."""


def add_train_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("train", help="train a multi-label classifier and save it to a directory",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Train a multi-label classifier on a BERT encoder: fine-tuning (lora, "
                              "full), a linear head on frozen features (head) or scikit-learn logistic regression on "
                              "frozen features of chosen layers (sklearn-lr). Per-label thresholds are tuned on dev; "
                              "dev and test metrics, a model card and training_record.json are saved with it.",
                              epilog=LAYERS_HELP)
    p.add_argument("--data", required=True, help="GoEmotions directory, 'google-research-datasets/go_emotions', "
                   "an XED .tsv file, or a .csv/.jsonl file with 'text' and 'labels'")
    p.add_argument("--base", default="minilm", help="base model: preset name, directory or Hub id (default minilm)")
    p.add_argument("--method", choices=("head", "lora", "full", "sklearn-lr"), default="lora")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--layers", default=None, metavar="SPEC",
                   help="sklearn-lr only: which hidden layers feed the regression (default: last); see below")
    p.add_argument("--sklearn-c", type=float, default=1.0, help="sklearn-lr: inverse L2 strength C (default 1.0)")
    p.add_argument("--sklearn-max-iter", type=int, default=1000, help="sklearn-lr: lbfgs iterations (default 1000)")
    p.add_argument("--epochs", type=int, default=None, help="default: head 20, lora 3, full 2")
    p.add_argument("--lr", type=float, default=None, help="default: head 3e-3, lora 8e-4, full 1e-4")
    p.add_argument("--head-lr", type=float, default=None,
                   help="lr of the new linear head when the encoder trains too (default: lora = --lr, full 1e-3)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=64)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--max-examples", type=int, default=None, metavar="N",
                   help="train on N training examples chosen by a seeded shuffle (--seed), kept in file order")
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--lora-alpha", type=int, default=32)
    p.add_argument("--pos-weight", type=float, default=0.0,
                   help="class weighting: pos_weight=(neg/pos)**P per label, capped at 10 (0 = off)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_train)
    return p


def add_evaluate_parser(subparsers) -> argparse.ArgumentParser:
    from components.core.classifier import SHIPPED_CLASSIFIER

    p = subparsers.add_parser("evaluate", help="score a saved classifier on a dataset split",
                              description="Evaluate a classifier with its saved per-label thresholds.")
    p.add_argument("--classifier", default=str(SHIPPED_CLASSIFIER),
                   help="classifier directory or *ForSequenceClassification model (default: the shipped one)")
    p.add_argument("--data", required=True, help="same sources as `train --data`; a .csv/.tsv/.jsonl file (header "
                   "text,labels) without --split is scored whole, every row")
    p.add_argument("--split", default=None, choices=("train", "dev", "test"),
                   help="split of a dataset directory or file family (default: test; a single file: all rows)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--max-examples", type=int, default=None, metavar="N",
                   help="score N examples of the split chosen by a seeded shuffle (--seed)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.set_defaults(func=run_evaluate)
    return p


def run_train(args: argparse.Namespace) -> int:
    from components.finetune.train import TrainArgs, train

    result = train(TrainArgs(
        data=args.data, base=args.base, method=args.method, out=args.out, epochs=args.epochs, lr=args.lr,
        head_lr=args.head_lr,
        batch_size=args.batch_size, max_length=args.max_length, seed=args.seed, max_examples=args.max_examples,
        lora_r=args.lora_r, lora_alpha=args.lora_alpha, pos_weight=args.pos_weight, layers=args.layers,
        sklearn_c=args.sklearn_c, sklearn_max_iter=args.sklearn_max_iter,
        progress=not args.no_progress,
    ))
    t = result.metrics["test"]
    print(f"saved {result.out} in {result.seconds:.0f} s training; dev macro-F1 "
          f"{result.metrics['dev']['macro_f1']:.4f}; test macro-F1 {t['macro_f1']:.4f}, micro-F1 {t['micro_f1']:.4f}")
    return 0


WHOLE_FILE = (".csv", ".tsv", ".jsonl", ".ndjson")


def evaluate(classifier_path: str, data: str, split: str | None = "test", batch_size: int = 64,
             max_examples: int | None = None, seed: int = 42) -> dict:
    """Metrics of a classifier on a split, with its own thresholds (argmax for single-label models).

    The split is read with the classifier's label names (columns by name; a label the
    classifier does not know is refused), truncated at the classifier's own max_length.
    ``split=None`` with an existing .csv/.tsv/.jsonl file scores every row of that file
    (``evaluate.reader``); otherwise ``None`` means the test split.
    """
    from pathlib import Path

    import numpy as np

    from components.core.classifier import decide, load_classifier, predict_texts
    from components.evaluate.compute import per_label_metrics
    from components.finetune.data import MultiLabelSplit, load_dataset

    clf = load_classifier(classifier_path)
    path = Path(str(data)).expanduser()
    if split is None and path.is_file() and path.suffix.lower() in WHOLE_FILE:
        from components.evaluate.reader import read_table

        table = read_table(path.read_bytes(), path.name, clf.labels, max_rows=None, max_bytes=None)
        # the same seeded sample as a split's (``MultiLabelSplit.sample``, the rule of --max-examples)
        ds = MultiLabelSplit(tuple(table.texts), np.asarray(table.targets), tuple(clf.labels), str(path))
    else:
        split = split or "test"
        ds = load_dataset(data, split, label_names=clf.labels)
    ds = ds.sample(max_examples, seed)
    texts, targets, source = ds.texts, ds.targets, ds.source
    probs = predict_texts(clf, texts, batch_size=batch_size)
    metrics = per_label_metrics(targets, decide(clf, probs), clf.labels, clf.thresholds)
    metrics.update(classifier=str(clf.directory or classifier_path), data=source, split=split or "all",
                   multi_label=clf.multi_label)
    return metrics


def run_evaluate(args: argparse.Namespace) -> int:
    m = evaluate(args.classifier, args.data, args.split, args.batch_size, args.max_examples, args.seed)
    if args.json:
        print(json.dumps(m))
        return 0
    print(f"{m['classifier']} on {m['data']} ({m['n_examples']} rows)")
    for k in ("macro_f1", "micro_f1", "macro_precision", "macro_recall", "subset_accuracy", "hamming_loss"):
        print(f"  {k:16s} {m[k]:.4f}")
    print(f"  {'label':16s} {'P':>6s} {'R':>6s} {'F1':>6s} {'support':>8s} {'thresh':>6s}")
    for name, v in m["per_label"].items():
        print(f"  {name:16s} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:8d} "
              f"{v['threshold']:6.2f}")
    return 0


def register(sub) -> None:
    add_train_parser(sub)
    add_evaluate_parser(sub)
