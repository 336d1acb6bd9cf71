"""Train a multi-label classifier on a BERT encoder and save it as a classifier directory.

Methods: ``head`` (encoder frozen, only a linear head trains), ``lora`` (peft LoRA adapters on
the attention and feed-forward layers + head), ``full`` (every weight) and ``sklearn-lr``
(scikit-learn logistic regression on frozen features of chosen layers, see ``features.py``).
Every method ends the same way: per-label thresholds tuned on dev (never on test), dev and test
scored with them, and one directory written by ``save_classifier``.

Design decision: dev and test are always read with the *train* split's label names, so a label
absent from a split can never shift the columns; and ``save_classifier`` is the one writer of
the on-disk format (``classifier.json``, ``head.safetensors``, ``adapter/`` or ``encoder/``, the
README.md card, ``training_record.json``), used by the CLI and by the app's live run alike.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from components.core.classifier import FORMAT_VERSION, MeanPoolHead
from components.core.messages import UserError
from components.core.models import PRESETS, load_model
from components.finetune.card import model_card, threshold_rule
from components.finetune.data import MultiLabelSplit, load_dataset
from components.finetune.metrics import DEFAULT_GRID, multilabel_metrics, sigmoid, tune_thresholds
from components.finetune.recipes import Log, encode, pos_weight, train_encoder, train_head

__all__ = ["LORA_TARGETS", "METHODS", "RECORD_VERSION", "TrainArgs", "TrainResult", "save_classifier", "train"]

METHODS = ("head", "lora", "full", "sklearn-lr")
RECORD_VERSION = 1
DEFAULTS = {"head": {"epochs": 20, "lr": 3e-3}, "lora": {"epochs": 3, "lr": 8e-4},
            # a fresh head at the encoder's 1e-4 never learns rare labels (grief, pride, relief) in 2 epochs
            "full": {"epochs": 2, "lr": 1e-4, "head_lr": 1e-3},
            "sklearn-lr": {}}  # no epochs, no learning rate: lbfgs runs to convergence (or sklearn_max_iter)
# every linear layer inside the transformer blocks (not the unused pooler)
LORA_TARGETS = (r".*encoder\.layer\.\d+\."
                r"(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)")

@dataclass
class TrainArgs:
    data: str
    base: str = "minilm"
    method: str = "lora"
    out: str = "classifier"
    epochs: int | None = None
    lr: float | None = None
    head_lr: float | None = None  # the new linear head's lr when the encoder trains too (default: per method)
    batch_size: int = 32
    max_length: int = 64
    seed: int = 42
    max_examples: int | None = None  # train on the first N of the seeded shuffle (the live run's budget)
    warmup: float = 0.06
    weight_decay: float = 0.01
    dropout: float = 0.1
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    pos_weight: float = 0.0  # 0 = none; else per-label (neg/pos)**pos_weight, capped at 10
    eval_batch_size: int = 128
    layers: str | None = None  # sklearn-lr only: a layer spec (features.parse_layers), default "last"
    sklearn_c: float = 1.0  # sklearn-lr: inverse L2 strength on standardised features
    sklearn_max_iter: int = 1000  # sklearn-lr: lbfgs iterations per label
    progress: bool = True

    def resolved(self) -> TrainArgs:
        if self.method not in METHODS:
            raise UserError("ft_train_unknown_method", method=self.method, choices=list(METHODS))
        if self.layers and self.method != "sklearn-lr":
            raise UserError("ft_train_layers_sklearn_only", method=self.method)
        if self.max_examples is not None and self.max_examples < 1:
            raise UserError("ft_train_max_examples", n=self.max_examples)
        out = copy.copy(self)
        defaults = DEFAULTS[self.method]
        out.epochs = self.epochs or defaults.get("epochs")
        out.lr = self.lr or defaults.get("lr")
        out.head_lr = self.head_lr or defaults.get("head_lr") or out.lr
        if self.method == "sklearn-lr":
            out.layers = self.layers or "last"
        if self.base not in PRESETS and Path(self.base).expanduser().is_dir():
            out.base = str(Path(self.base).expanduser().resolve())
        return out


@dataclass
class TrainResult:
    out: Path
    metrics: dict  # {"dev": ..., "test": ..., "test_at_0.5": ...}
    thresholds: np.ndarray
    dev_probs: np.ndarray = field(repr=False)
    seconds: float = 0.0
    record: dict = field(default_factory=dict, repr=False)


def _splits(args: TrainArgs, train_split, dev_split, test_split):
    train_split = (train_split or load_dataset(args.data, "train")).sample(args.max_examples, args.seed)
    labels = train_split.label_names
    dev_split = dev_split or load_dataset(args.data, "dev", label_names=labels)
    test_split = test_split or load_dataset(args.data, "test", label_names=labels)
    for name, split in (("dev", dev_split), ("test", test_split)):
        if tuple(split.label_names) != tuple(labels):
            raise UserError("ft_train_labels_differ", split=name, got=list(split.label_names), want=list(labels))
    return train_split, dev_split, test_split


def _count(module) -> tuple[int, int]:
    params = list(module.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)


def _gradient_route(args, base, train_split, dev_split, test_split, log):
    """head / lora / full: (encoder, head, dev probs, test probs, extra classifier.json and record fields)."""
    tokenizer = base.tokenizer
    encoder = copy.deepcopy(base.encoder)  # the cached base model stays untouched
    head = MeanPoolHead(encoder.config.hidden_size, len(train_split.label_names), args.dropout)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight(train_split.targets, args.pos_weight))
    if args.method == "head":
        encoder.requires_grad_(False)
        train_head(encoder, head, tokenizer, train_split, args, loss_fn, log)
    else:
        if args.method == "lora":
            from peft import LoraConfig, get_peft_model

            cfg = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                             target_modules=LORA_TARGETS, bias="none")
            encoder = get_peft_model(encoder, cfg)
        train_encoder(encoder, head, tokenizer, train_split, args, loss_fn, log)
    dev_probs = sigmoid(encode(encoder, head, tokenizer, dev_split.texts, args))
    test_probs = sigmoid(encode(encoder, head, tokenizer, test_split.texts, args))
    return encoder, head, dev_probs, test_probs, {}, {}


def train(args: TrainArgs, *, train_split: MultiLabelSplit | None = None, dev_split: MultiLabelSplit | None = None,
          test_split: MultiLabelSplit | None = None,
          on_step: Callable[[int, int, float], None] | None = None) -> TrainResult:
    """Train, tune thresholds on dev, score dev and test, and write ``args.out`` (see ``save_classifier``).

    Splits passed in replace the ones read from ``args.data`` (dev/test must carry the train
    split's label names). ``on_step(step, total, loss)`` runs after each optimisation step; an
    exception raised there stops training and propagates (nothing is written).
    """
    args = args.resolved()
    torch.manual_seed(args.seed)
    train_split, dev_split, test_split = _splits(args, train_split, dev_split, test_split)
    labels = train_split.label_names
    base = load_model(args.base)
    log = Log(dev_split, on_step=on_step)
    start = time.perf_counter()
    if args.method == "sklearn-lr":
        from components.finetune.features import fit_logistic_regression

        encoder, head, dev_probs, test_probs, info_extra, record_extra = fit_logistic_regression(
            base, train_split, dev_split, test_split, args, log)
    else:
        encoder, head, dev_probs, test_probs, info_extra, record_extra = _gradient_route(
            args, base, train_split, dev_split, test_split, log)
    seconds = time.perf_counter() - start
    head_trained, head_total = _count(head)
    encoder_trained, encoder_total = _count(encoder) if encoder is not None else (0, _count(base.encoder)[1])
    trained_params, total_params = head_trained + encoder_trained, head_total + encoder_total

    thresholds = tune_thresholds(dev_split.targets, dev_probs)
    metrics = {
        "dev": multilabel_metrics(dev_split.targets, dev_probs >= thresholds, labels),
        "test": multilabel_metrics(test_split.targets, test_probs >= thresholds, labels),
        "test_at_0.5": {k: v for k, v in multilabel_metrics(test_split.targets, test_probs >= 0.5, labels).items()
                        if k != "per_label"},
    }
    machine = {"arch": platform.machine(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
               "torch": torch.__version__, "python": platform.python_version()}
    data = {"train": train_split.source, "dev": dev_split.source, "test": test_split.source,
            "n_train": len(train_split), "n_dev": len(dev_split), "n_test": len(test_split)}
    arguments = {k: v for k, v in asdict(args).items() if k != "progress"}
    info = {
        "format_version": FORMAT_VERSION, "base_model": args.base, "method": args.method, "pooling": "mean",
        "dropout": args.dropout, "max_length": args.max_length, "labels": list(labels),
        "thresholds": [float(t) for t in thresholds], "threshold_rule": threshold_rule(DEFAULT_GRID),
        "threshold_source": f"dev split, {dev_split.source} ({len(dev_split):,} rows)",
        **info_extra, "training_args": arguments, "data": data, "metrics": metrics,
        "training_seconds": round(seconds, 1),
        "machine": f"{machine['arch']}, {machine['torch_threads']} threads, torch {machine['torch']}",
    }
    record = {
        "record_version": RECORD_VERSION, "method": args.method, "base_model": args.base, "seed": args.seed,
        "arguments": arguments, "data": data, "parameters": {"trained": trained_params, "total": total_params},
        "loss": [round(v, 5) for v in log.loss], "dev_macro_f1": [round(v, 5) for v in log.dev_macro_f1],
        "dev_macro_f1_at_0.5": [round(v, 5) for v in log.dev_macro_f1_at_half],
        "metrics": {split: {k: v for k, v in m.items() if k != "per_label"} for split, m in metrics.items()},
        "wall_seconds": round(seconds, 1), "machine": machine, **record_extra,
    }
    saved_encoder = encoder if args.method in ("lora", "full") else None
    out = save_classifier(args.out, saved_encoder, head, info, record)
    return TrainResult(out=out, metrics=metrics, thresholds=thresholds, dev_probs=dev_probs, seconds=seconds,
                       record=record)


def save_classifier(out: str | Path, encoder: torch.nn.Module | None, head: torch.nn.Module, info: dict,
                    record: dict | None = None) -> Path:
    """Write one classifier directory and return its resolved path (stable signature: other code calls it).

    - ``encoder``: the trained encoder for ``info["method"]`` "lora" (a peft model: ``adapter/``)
      or "full" (``encoder/``); ``None`` for "head" and "sklearn-lr" (the base stays frozen).
    - ``head``: a ``MeanPoolHead`` (``head.safetensors``).
    - ``info``: the ``classifier.json`` contents; needs ``format_version``, ``base_model``, ``method``,
      ``labels``, ``thresholds``, ``max_length`` (and ``features`` when the head reads other layers
      than the last); ``train`` also writes ``training_args``, ``data``, ``metrics``,
      ``threshold_rule``/``threshold_source``, which the README.md card quotes when present.
    - ``record``: the training record (``training_record.json``), or ``None`` to write none.

    ``size_bytes`` (the directory's size, this file excepted) is added to classifier.json and to
    the record here.
    """
    from safetensors.torch import save_file

    method = info["method"]
    if (encoder is not None) != (method in ("lora", "full")):
        raise ValueError(f"method {method!r} saves {'an' if method in ('lora', 'full') else 'no'} encoder")
    out = Path(out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in head.state_dict().items()}, str(out / "head.safetensors"))
    if method == "lora":
        if info["base_model"] in PRESETS:  # portable metadata instead of this machine's path
            encoder.peft_config["default"].base_model_name_or_path = PRESETS[info["base_model"]].hub_id
        encoder.save_pretrained(str(out / "adapter"))
        (out / "adapter" / "README.md").unlink(missing_ok=True)  # peft's empty template; README.md is the card
    elif method == "full":
        encoder.save_pretrained(str(out / "encoder"))
    info = {**info, "size_bytes": 0}
    (out / "README.md").write_text(model_card(info), encoding="utf-8")
    (out / "classifier.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file() and f.name != "training_record.json")
    info["size_bytes"] = size
    (out / "classifier.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    if record is not None:
        record["size_bytes"] = size
        (out / "training_record.json").write_text(json.dumps(record), encoding="utf-8")
    return out
