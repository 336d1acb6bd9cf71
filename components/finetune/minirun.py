"""The live mini-run itself: one epoch of ``head`` or ``lora`` on a budget of training examples,
scored on a fixed dev sample before and after, written as a classifier directory.

Design decision: this is a plain function that reports through ``emit`` and asks ``stopped()``
before every step and every batch, so the same code runs in the worker process the app starts
(``live.py``: one torch thread, lower CPU priority, killed if it does not stop) and in-process in
tests and benchmarks. The base encoder's pooled vectors of the dev sample do not depend on the
method: they are computed once, handed back (``dev_features``) and passed into later runs, so a
second run spends its time training, not re-reading the same 1,000 sentences. Training itself is
the one loop of ``trainer.py`` (the recipes' too); this module draws the batches (one epoch) and
turns the live run's progress and Cancel into a callback of it. What defines the result is
shared: the training subset (``MultiLabelSplit.sample``, the rule of ``train --max-examples``),
the LoRA targets, the head, the threshold tuning and the writer (``train.save_classifier``).

The live score is honest about its sentences: the fixed dev sample is cut in two disjoint halves
(``dev_halves``); per-label thresholds are tuned on one and macro-F1 is measured on the other,
before and after training alike. The records' table shows test scores of a separate split, so
the two are not the same measurement (the result sentence says so).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from components.core.classifier import MeanPoolHead, encode_batches, pad_batch
from components.core.models import load_model
from components.finetune.data import MultiLabelSplit, load_dataset
from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds
from components.finetune.runspec import BATCH_SIZE, DEV_SEED, METHODS, RECIPE, RunSpec
from components.finetune.train import LORA_TARGETS
from components.finetune.trainer import Callback, Cancelled, Trainer, TrainerConfig

__all__ = ["BATCH_SIZE", "DEV_SEED", "METHODS", "RECIPE", "Cancelled", "RunSpec", "child_main", "mini_run"]

def dev_halves(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The fixed dev sample cut in two disjoint halves (seeded): thresholds are tuned on the first,
    the score is measured on the second, before and after training alike."""
    order = np.random.default_rng(DEV_SEED).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2:])


def _macro_f1(split: MultiLabelSplit, probs: np.ndarray) -> tuple[float, np.ndarray]:
    """Macro-F1 on the scoring half with per-label thresholds tuned on the tuning half."""
    tune, score = dev_halves(len(split))
    thresholds = tune_thresholds(split.targets[tune], probs[tune])
    f1 = multilabel_metrics(split.targets[score], probs[score] >= thresholds, split.label_names)["macro_f1"]
    return f1, thresholds


@torch.no_grad()
def _pooled(encoder, tokenizer, texts, spec: RunSpec, stopped, emit, phase: str) -> torch.Tensor:
    """Mean-pooled last hidden states, in the texts' order, checking for Cancel between batches."""
    encoder.eval()
    out = torch.zeros(len(texts), encoder.config.hidden_size)
    done = 0
    for idx, ids, mask in encode_batches(tokenizer, texts, 64, spec.max_length):
        if stopped():
            raise Cancelled
        out[idx] = MeanPoolHead.pool(encoder(input_ids=ids, attention_mask=mask).last_hidden_state, mask)
        done += len(idx)
        emit(("phase", phase, done, len(texts)))
    return out


def _steps(spec: RunSpec, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(n)
    return [order[s:s + spec.batch_size] for s in range(0, n, spec.batch_size)]


class _Live(Callback):
    """The live run's progress events and its Cancel, as a callback of the one training loop."""

    def __init__(self, stopped: Callable[[], bool], emit: Callable[[tuple], None]) -> None:
        self.stopped, self.emit, self.losses = stopped, emit, []

    def should_stop(self) -> bool:
        return self.stopped()

    def on_step(self, trainer: Trainer, loss: float) -> None:
        self.losses.append(round(loss, 5))
        self.emit(("step", trainer.step, trainer.total_steps, self.losses[-1]))


def _trainer(groups, lr: float, steps: int, live: _Live, clip_norm: float | None = None) -> Trainer:
    return Trainer(groups, TrainerConfig(lr=lr, total_steps=steps, warmup_steps=max(1, int(0.06 * steps)),
                                         weight_decay=0.01, clip_norm=clip_norm), callbacks=[live])


def _train_head(head, feats, y, spec, stopped, emit) -> list[float]:
    batches = _steps(spec, len(y), np.random.default_rng(spec.seed))
    live, loss_fn = _Live(stopped, emit), torch.nn.BCEWithLogitsLoss()
    trainer = _trainer([{"params": list(head.parameters())}], RECIPE["head"]["head_lr"], len(batches), live)
    trainer.fit(1, lambda epoch: batches, lambda idx: loss_fn(head.classify(feats[idx]), y[idx]), modules=[head])
    head.eval()
    return live.losses


def _train_lora(encoder, head, tokenizer, train, y, spec, stopped, emit) -> list[float]:
    ids = tokenizer(list(train.texts), truncation=True, max_length=spec.max_length)["input_ids"]
    batches = _steps(spec, len(ids), np.random.default_rng(spec.seed))
    adapters = [p for p in encoder.parameters() if p.requires_grad]
    groups = [{"params": adapters}, {"params": list(head.parameters()), "lr": RECIPE["lora"]["head_lr"]}]
    live, loss_fn, pad = _Live(stopped, emit), torch.nn.BCEWithLogitsLoss(), tokenizer.pad_token_id or 0

    def loss_of(idx) -> torch.Tensor:
        x, m = pad_batch(ids, list(idx), pad)
        return loss_fn(head(encoder(input_ids=x, attention_mask=m).last_hidden_state, m), y[idx])

    _trainer(groups, RECIPE["lora"]["lr"], len(batches), live, clip_norm=1.0).fit(
        1, lambda epoch: batches, loss_of, modules=[encoder, head])
    encoder.eval()
    head.eval()
    return live.losses


def mini_run(spec: RunSpec, emit: Callable[[tuple], None], stopped: Callable[[], bool]) -> dict:
    """Train, score before and after on the dev sample, write ``spec.out``; return the run's summary.

    ``emit`` receives ("phase", name, done, total), ("dev_features", array), ("step", i, n, loss) and
    ("before", f1); ``stopped()`` True raises ``Cancelled`` at the next step or batch.
    """
    if spec.method not in METHODS:
        raise ValueError(f"unknown live method {spec.method!r}")
    started = time.perf_counter()
    emit(("phase", "load", 0, 1))
    train = load_dataset(spec.data, "train").sample(spec.budget, spec.seed)  # = `train --max-examples N`
    dev = load_dataset(spec.data, "dev", label_names=train.label_names).sample(spec.dev_size, DEV_SEED)
    if stopped():
        raise Cancelled
    base = load_model(spec.base)
    tokenizer = base.tokenizer
    if stopped():
        raise Cancelled
    if spec.dev_features is not None and spec.dev_features.shape == (len(dev), base.config.hidden_size):
        dev_feats = torch.as_tensor(spec.dev_features)
    else:
        dev_feats = _pooled(base.encoder, tokenizer, dev.texts, spec, stopped, emit, "dev")
        emit(("dev_features", dev_feats.numpy()))
    torch.manual_seed(spec.seed)
    head = MeanPoolHead(base.config.hidden_size, len(train.label_names)).eval()
    with torch.no_grad():
        before, _ = _macro_f1(dev, sigmoid(head.classify(dev_feats).numpy()))
    emit(("before", before))
    y = torch.tensor(train.targets, dtype=torch.float32)
    if spec.method == "head":
        encoder = base.encoder  # frozen and shared: feature extraction never changes BERT
        feats = _pooled(encoder, tokenizer, train.texts, spec, stopped, emit, "features")
        losses = _train_head(head, feats, y, spec, stopped, emit)
        with torch.no_grad():
            dev_probs = sigmoid(head.classify(dev_feats).numpy())
    else:
        from peft import LoraConfig, get_peft_model

        config = LoraConfig(r=spec.lora_r, lora_alpha=spec.lora_alpha, lora_dropout=0.1,
                            target_modules=LORA_TARGETS, bias="none")
        encoder = get_peft_model(copy.deepcopy(base.encoder), config)  # the cached base stays untouched
        losses = _train_lora(encoder, head, tokenizer, train, y, spec, stopped, emit)
        tuned = _pooled(encoder, tokenizer, dev.texts, spec, stopped, emit, "after")
        with torch.no_grad():
            dev_probs = sigmoid(head.classify(tuned).numpy())
    after, thresholds = _macro_f1(dev, dev_probs)
    seconds = time.perf_counter() - started
    trained = sum(p.numel() for p in head.parameters()) + sum(
        p.numel() for p in encoder.parameters() if p.requires_grad and spec.method == "lora")
    # every parameter the classifier holds, LoRA's adapters included, as the records count them (finetune/train.py)
    total = sum(p.numel() for p in encoder.parameters()) + sum(p.numel() for p in head.parameters())
    summary = {"method": spec.method, "examples": len(train), "steps": len(losses), "loss": losses,
               "before": before, "after": after, "seconds": round(seconds, 1),
               "examples_per_second": round(len(train) / max(seconds, 1e-9), 1),
               "parameters": {"trained": int(trained), "total": int(total)}, "dev": dev.source,
               "dev_examples": len(dev), "train": train.source}
    emit(("phase", "save", 0, 1))
    _save(Path(spec.out), spec, encoder, head, train, thresholds, summary)
    return summary


def _save(out: Path, spec: RunSpec, encoder, head, train: MultiLabelSplit, thresholds, summary) -> None:
    """Write the classifier directory with the project's one writer; the card's "Reproduce" is the CLI
    equivalent (`python app.py train --epochs 1 --max-examples N ...`), scored there on the whole dev split."""
    from components.core.classifier import FORMAT_VERSION
    from components.finetune.card import threshold_rule
    from components.finetune.metrics import DEFAULT_GRID
    from components.finetune.train import save_classifier

    recipe = RECIPE[spec.method]
    args = {"data": spec.data, "base": spec.base, "method": spec.method, "epochs": 1,
            "lr": recipe.get("lr", recipe["head_lr"]), "head_lr": recipe["head_lr"], "batch_size": spec.batch_size,
            "max_length": spec.max_length, "seed": spec.seed, "max_examples": spec.budget, "lora_r": spec.lora_r,
            "lora_alpha": spec.lora_alpha, "pos_weight": 0.0}
    info = {"format_version": FORMAT_VERSION, "base_model": spec.base, "method": spec.method, "pooling": "mean",
            "dropout": 0.1, "max_length": spec.max_length, "labels": list(train.label_names),
            "thresholds": [float(t) for t in thresholds], "threshold_rule": threshold_rule(DEFAULT_GRID),
            "threshold_source": summary["dev"], "training_args": args, "training_seconds": summary["seconds"],
            "live_run": {k: v for k, v in summary.items() if k != "loss"}}
    save_classifier(out, encoder if spec.method == "lora" else None, head, info)


def child_main(spec: RunSpec, outbox, stop, nice: int) -> None:
    """A worker process's entry point (started by ``live.LiveTrainer``): one torch thread, a lower CPU
    priority, and every outcome sent to ``outbox``; it also stops when the process that started it is gone."""
    import os
    import resource
    import traceback

    from components.core.messages import UserError

    os.nice(nice)
    torch.set_num_threads(1)
    parent = os.getppid()

    def stopped() -> bool:
        return stop.is_set() or os.getppid() != parent

    try:
        summary = mini_run(spec, outbox.put, stopped)
        summary["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        outbox.put(("done", summary))
    except Cancelled:
        outbox.put(("cancelled",))
    except UserError as exc:
        outbox.put(("user_error", exc.msg.key, dict(exc.msg.params)))
    except Exception:  # noqa: BLE001 - the server logs it; the student gets the generic apology
        outbox.put(("error", traceback.format_exc()))
