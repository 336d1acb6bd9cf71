"""The live mini-run itself: one epoch of ``head`` or ``lora`` on a budget of training examples,
scored on a fixed dev sample before and after, written as a classifier directory.

Design decision: this is a plain function that reports through ``emit`` and asks ``stopped()``
before every step and every batch, so the same code runs in the worker process the app starts
(``live.py``: one torch thread, lower CPU priority, killed if it does not stop) and in-process in
tests and benchmarks. The base encoder's pooled vectors of the dev sample do not depend on the
method: they are computed once, handed back (``dev_features``) and passed into later runs, so a
second run spends its time training, not re-reading the same 1,000 sentences. That is why the
loops are written here rather than calling ``recipes.train_head``/``train_encoder``: those report
only optimisation steps and score dev themselves, so the class would watch a frozen bar while
BERT reads the sentences, and the dev sample would be read twice. What defines the result is
shared: the training subset (``MultiLabelSplit.sample``, the rule of ``train --max-examples``),
the LoRA targets, the head, the threshold tuning and the writer (``train.save_classifier``).

"dev macro-F1" here is what the training records call ``dev_macro_f1``: per-label thresholds
tuned on the dev sample, then scored on it (the same sample, so it flatters both numbers alike).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from components.core.classifier import MeanPoolHead, encode_batches, pad_batch
from components.core.models import load_model
from components.finetune.data import MultiLabelSplit, load_dataset
from components.finetune.live import BATCH_SIZE
from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds
from components.finetune.train import LORA_TARGETS

__all__ = ["DEV_SEED", "METHODS", "RECIPE", "Cancelled", "RunSpec", "child_main", "mini_run"]

METHODS = ("head", "lora")
DEV_SEED = 0  # the fixed dev sample every live run of every student is scored on
# one epoch is few steps: batches of 16 give the curve 125 points at 2,000 examples, and the rates are
# higher than the full recipes' (train.py: head 3e-3 for 20 epochs, lora 8e-4 for 3) so one epoch shows learning;
# the fresh head needs its own, higher rate in both methods: at 2e-2 a LoRA run of 2,000 examples only learned the
# label priors (dev macro-F1 0.04, below the untrained 0.09); at 5e-2 it reaches 0.44 (head alone: 0.22)
RECIPE = {"head": {"head_lr": 5e-2}, "lora": {"lr": 2e-3, "head_lr": 5e-2}}


class Cancelled(Exception):
    """The student pressed Cancel (or left): stop at once, write nothing."""


@dataclass(frozen=True)
class RunSpec:
    method: str
    budget: int  # training examples: the first N of the seeded shuffle, as `train --max-examples N`
    data: str  # a GoEmotions directory or the Hub id
    base: str  # the encoder to adapt (a preset name or a directory)
    out: str  # where the classifier directory is written
    seed: int = 42
    dev_size: int = 1000
    max_length: int = 64
    batch_size: int = BATCH_SIZE
    lora_r: int = 16
    lora_alpha: int = 32
    dev_features: np.ndarray | None = None  # the base encoder's pooled dev-sample vectors, from an earlier run


def _macro_f1(split: MultiLabelSplit, probs: np.ndarray) -> tuple[float, np.ndarray]:
    thresholds = tune_thresholds(split.targets, probs)
    return multilabel_metrics(split.targets, probs >= thresholds, split.label_names)["macro_f1"], thresholds


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


def _schedule(params, lr: float, steps: int):
    from transformers import get_linear_schedule_with_warmup

    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    return opt, get_linear_schedule_with_warmup(opt, max(1, int(0.06 * steps)), steps)


def _steps(spec: RunSpec, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(n)
    return [order[s:s + spec.batch_size] for s in range(0, n, spec.batch_size)]


def _train_head(head, feats, y, spec, stopped, emit) -> list[float]:
    batches = _steps(spec, len(y), np.random.default_rng(spec.seed))
    opt, sched = _schedule([{"params": list(head.parameters())}], RECIPE["head"]["head_lr"], len(batches))
    loss_fn, losses = torch.nn.BCEWithLogitsLoss(), []
    head.train()
    for step, idx in enumerate(batches, 1):
        if stopped():
            raise Cancelled
        loss = loss_fn(head.classify(feats[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(round(loss.item(), 5))
        emit(("step", step, len(batches), losses[-1]))
    head.eval()
    return losses


def _train_lora(encoder, head, tokenizer, train, y, spec, stopped, emit) -> list[float]:
    ids = tokenizer(list(train.texts), truncation=True, max_length=spec.max_length)["input_ids"]
    batches = _steps(spec, len(ids), np.random.default_rng(spec.seed))
    adapters = [p for p in encoder.parameters() if p.requires_grad]
    groups = [{"params": adapters}, {"params": list(head.parameters()), "lr": RECIPE["lora"]["head_lr"]}]
    trainable = adapters + groups[1]["params"]
    opt, sched = _schedule(groups, RECIPE["lora"]["lr"], len(batches))
    loss_fn, losses, pad = torch.nn.BCEWithLogitsLoss(), [], tokenizer.pad_token_id or 0
    encoder.train()
    head.train()
    for step, idx in enumerate(batches, 1):
        if stopped():
            raise Cancelled
        x, m = pad_batch(ids, list(idx), pad)
        loss = loss_fn(head(encoder(input_ids=x, attention_mask=m).last_hidden_state, m), y[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        sched.step()
        losses.append(round(loss.item(), 5))
        emit(("step", step, len(batches), losses[-1]))
    encoder.eval()
    head.eval()
    return losses


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
    total = sum(p.numel() for p in base.encoder.parameters()) + sum(p.numel() for p in head.parameters())
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
