"""The gradient recipes behind ``train``: a linear head on frozen features, or encoder + head.

``head`` pools the frozen encoder's last layer once and trains only the Linear layer on those
vectors; ``lora`` and ``full`` backpropagate into the encoder (length-bucketed dynamic padding,
gradient clipping at 1.0). Both use BCE-with-logits and the one loop of ``trainer.py`` (AdamW with
linear warmup/decay); this module only says which parameters train and how batches are drawn.

Design decision: one ``Log`` object sees every step and every epoch, so the training record
(loss per step, dev macro-F1 per epoch) and a live caller's progress and cancel hook are fed
from the same place and cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from components.core.classifier import encode_batches, pad_batch
from components.finetune.data import MultiLabelSplit
from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds
from components.finetune.trainer import Callback, Trainer, TrainerConfig

__all__ = ["Log", "encode", "pos_weight", "train_encoder", "train_head"]


def _batches(lengths, batch_size: int, rng: np.random.Generator):
    """Shuffle, sort by length inside chunks of 50 batches, then shuffle the batch order."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s:s + chunk], key=lambda i: lengths[i])
        batches += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def pos_weight(targets: np.ndarray, power: float):
    if not power:
        return None
    pos = targets.sum(0).clip(min=1)
    return torch.tensor(np.minimum(((len(targets) - pos) / pos) ** power, 10.0), dtype=torch.float32)


@torch.no_grad()
def encode(encoder, head, tokenizer, texts, args, pooled_only=False) -> np.ndarray:
    """Logits (or pooled features) for texts, in their original order."""
    encoder.eval()
    head.eval()
    rows = [None] * len(texts)
    for idx, x, m in encode_batches(tokenizer, texts, args.eval_batch_size, args.max_length):
        hidden = encoder(input_ids=x, attention_mask=m).last_hidden_state
        values = head.pool(hidden, m) if pooled_only else head(hidden, m)
        for r, i in enumerate(idx):
            rows[i] = values[r].float().numpy()
    return np.stack(rows)


def _config(args, steps: int, clip_norm: float | None = None) -> TrainerConfig:
    return TrainerConfig(lr=args.lr, total_steps=steps, warmup_steps=int(args.warmup * steps),
                         weight_decay=args.weight_decay, clip_norm=clip_norm)


class _Record(Callback):
    """The training record's log: every step's loss, dev macro-F1 after every epoch."""

    def __init__(self, log: Log, dev_probs: Callable[[], np.ndarray]) -> None:
        self.log, self.dev_probs = log, dev_probs

    def on_step(self, trainer: Trainer, loss: float) -> None:
        self.log.step(loss)

    def on_epoch_end(self, trainer: Trainer, epoch: int) -> None:
        self.log.epoch_end(self.dev_probs())


class _Bar(Callback):
    """The command line's progress bar (tqdm), with the epoch and a smoothed loss."""

    def __init__(self, total: int, desc: str, enabled: bool) -> None:
        self.bar = tqdm(total=total, desc=desc, disable=not enabled, mininterval=5, dynamic_ncols=True)
        self.epoch, self.smooth = 1, None

    def on_step(self, trainer: Trainer, loss: float) -> None:
        self.smooth = loss if self.smooth is None else 0.98 * self.smooth + 0.02 * loss
        self.bar.update(1)
        self.bar.set_postfix(epoch=self.epoch, loss=f"{self.smooth:.4f}", refresh=False)

    def on_epoch_end(self, trainer: Trainer, epoch: int) -> None:
        self.epoch = epoch + 2

    def on_end(self, trainer: Trainer) -> None:
        self.bar.close()


def train_head(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    feats = torch.tensor(encode(encoder, head, tokenizer, train.texts, args, pooled_only=True))
    dev_feats = torch.tensor(encode(encoder, head, tokenizer, log.dev.texts, args, pooled_only=True))
    y = torch.tensor(train.targets, dtype=torch.float32)
    gen = torch.Generator().manual_seed(args.seed)
    per_epoch = math.ceil(len(y) / args.batch_size)
    log.total = per_epoch * args.epochs

    def batches(epoch: int):
        order = torch.randperm(len(y), generator=gen)
        return (order[s:s + args.batch_size] for s in range(0, len(y), args.batch_size))

    @torch.no_grad()
    def dev_probs() -> np.ndarray:
        head.eval()
        return sigmoid(head.classify(dev_feats).numpy())

    trainer = Trainer([{"params": list(head.parameters())}], _config(args, log.total),
                      callbacks=[_Record(log, dev_probs), _Bar(log.total, "train head", args.progress)])
    trainer.fit(args.epochs, batches, lambda idx: loss_fn(head.classify(feats[idx]), y[idx]), modules=[head])
    head.train()


def train_encoder(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    ids = tokenizer(list(train.texts), truncation=True, max_length=args.max_length)["input_ids"]
    lengths = [len(i) for i in ids]
    y = torch.tensor(train.targets, dtype=torch.float32)
    rng = np.random.default_rng(args.seed)
    per_epoch = math.ceil(len(ids) / args.batch_size)
    groups = [{"params": [p for p in encoder.parameters() if p.requires_grad]},
              {"params": list(head.parameters()), "lr": args.head_lr}]
    log.total = per_epoch * args.epochs
    pad = tokenizer.pad_token_id or 0

    def loss_of(idx) -> torch.Tensor:
        x, m = pad_batch(ids, idx, pad)
        return loss_fn(head(encoder(input_ids=x, attention_mask=m).last_hidden_state, m), y[idx])

    record = _Record(log, lambda: sigmoid(encode(encoder, head, tokenizer, log.dev.texts, args)))
    trainer = Trainer(groups, _config(args, log.total, clip_norm=1.0),
                      callbacks=[record, _Bar(log.total, f"train {args.method}", args.progress)])
    trainer.fit(args.epochs, lambda epoch: _batches(lengths, args.batch_size, rng), loss_of, modules=[encoder, head])


@dataclass
class Log:
    """What the training record keeps: the loss of every step, dev macro-F1 after every epoch.

    ``on_step(step, total, loss)`` is called after every optimisation step (the live run's
    progress bar); an exception it raises stops training (the live run's Cancel).
    """

    dev: MultiLabelSplit
    on_step: Callable[[int, int, float], None] | None = None
    total: int = 0
    loss: list = field(default_factory=list)
    dev_macro_f1: list = field(default_factory=list)
    dev_macro_f1_at_half: list = field(default_factory=list)

    def step(self, loss: float) -> None:
        self.loss.append(loss)
        if self.on_step is not None:
            self.on_step(len(self.loss), self.total, loss)

    def epoch_end(self, dev_probs: np.ndarray) -> None:
        names = self.dev.label_names
        tuned = tune_thresholds(self.dev.targets, dev_probs)
        self.dev_macro_f1.append(multilabel_metrics(self.dev.targets, dev_probs >= tuned, names)["macro_f1"])
        self.dev_macro_f1_at_half.append(multilabel_metrics(self.dev.targets, dev_probs >= 0.5, names)["macro_f1"])
