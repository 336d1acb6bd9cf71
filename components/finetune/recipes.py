"""The gradient recipes behind ``train``: a linear head on frozen features, or encoder + head.

``head`` pools the frozen encoder's last layer once and trains only the Linear layer on those
vectors; ``lora`` and ``full`` backpropagate into the encoder (length-bucketed dynamic padding,
gradient clipping at 1.0). Both use BCE-with-logits and AdamW with linear warmup/decay.

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
from transformers import get_linear_schedule_with_warmup

from components.core.classifier import encode_batches, pad_batch
from components.finetune.data import MultiLabelSplit
from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds

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


def _optimizer(params, args, steps):
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    return opt, get_linear_schedule_with_warmup(opt, int(args.warmup * steps), steps)


def _progress(total, desc, enabled):
    return tqdm(total=total, desc=desc, disable=not enabled, mininterval=5, dynamic_ncols=True)


def train_head(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    feats = torch.tensor(encode(encoder, head, tokenizer, train.texts, args, pooled_only=True))
    dev_feats = torch.tensor(encode(encoder, head, tokenizer, log.dev.texts, args, pooled_only=True))
    y = torch.tensor(train.targets, dtype=torch.float32)
    gen = torch.Generator().manual_seed(args.seed)
    per_epoch = math.ceil(len(y) / args.batch_size)
    opt, sched = _optimizer(head.parameters(), args, per_epoch * args.epochs)
    log.total = per_epoch * args.epochs
    bar = _progress(per_epoch * args.epochs, "train head", args.progress)
    head.train()
    for epoch in range(args.epochs):
        order = torch.randperm(len(y), generator=gen)
        for s in range(0, len(y), args.batch_size):
            idx = order[s:s + args.batch_size]
            loss = loss_fn(head.classify(feats[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            log.step(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.4f}", refresh=False)
        head.eval()
        with torch.no_grad():
            log.epoch_end(sigmoid(head.classify(dev_feats).numpy()))
        head.train()
    bar.close()


def train_encoder(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    ids = tokenizer(list(train.texts), truncation=True, max_length=args.max_length)["input_ids"]
    lengths = [len(i) for i in ids]
    y = torch.tensor(train.targets, dtype=torch.float32)
    rng = np.random.default_rng(args.seed)
    per_epoch = math.ceil(len(ids) / args.batch_size)
    groups = [{"params": [p for p in encoder.parameters() if p.requires_grad]},
              {"params": list(head.parameters()), "lr": args.head_lr}]
    params = groups[0]["params"] + groups[1]["params"]
    opt, sched = _optimizer(groups, args, per_epoch * args.epochs)
    log.total = per_epoch * args.epochs
    bar = _progress(per_epoch * args.epochs, f"train {args.method}", args.progress)
    pad = tokenizer.pad_token_id or 0
    smooth = None
    for epoch in range(args.epochs):
        encoder.train()
        head.train()
        for idx in _batches(lengths, args.batch_size, rng):
            x, m = pad_batch(ids, idx, pad)
            logits = head(encoder(input_ids=x, attention_mask=m).last_hidden_state, m)
            loss = loss_fn(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
            log.step(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{smooth:.4f}", refresh=False)
        log.epoch_end(sigmoid(encode(encoder, head, tokenizer, log.dev.texts, args)))
    bar.close()


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
