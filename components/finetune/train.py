"""Fine-tune a BERT encoder for multi-label classification and save a classifier directory.

Methods: ``head`` (encoder frozen, features computed once, only the linear head trains),
``lora`` (peft LoRA adapters on attention and feed-forward layers + head) and ``full`` (all
weights). Mean pooling -> dropout -> Linear, BCE-with-logits, AdamW with linear warmup/decay,
length-bucketed dynamic padding. Thresholds are tuned per label on dev, never on test.
"""

from __future__ import annotations

import copy
import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import get_linear_schedule_with_warmup

from components.core.classifier import FORMAT_VERSION, MeanPoolHead, encode_batches, pad_batch
from components.core.models import PRESETS, load_model
from components.finetune.data import MultiLabelSplit, load_dataset
from components.finetune.metrics import multilabel_metrics, sigmoid, tune_thresholds

__all__ = ["METHODS", "TrainArgs", "TrainResult", "train", "LORA_TARGETS"]

METHODS = ("head", "lora", "full")
DEFAULTS = {"head": {"epochs": 20, "lr": 3e-3}, "lora": {"epochs": 3, "lr": 8e-4},
            # a fresh head at the encoder's 1e-4 never learns rare labels (grief, pride, relief) in 2 epochs
            "full": {"epochs": 2, "lr": 1e-4, "head_lr": 1e-3}}
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
    limit: int | None = None
    max_examples: int | None = None  # train on the first N of the seeded shuffle (the live run's budget)
    warmup: float = 0.06
    weight_decay: float = 0.01
    dropout: float = 0.1
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    pos_weight: float = 0.0  # 0 = none; else per-label (neg/pos)**pos_weight, capped at 10
    eval_batch_size: int = 128
    progress: bool = True

    def resolved(self) -> TrainArgs:
        if self.method not in METHODS:
            raise ValueError(f"Unknown method '{self.method}'; use one of {', '.join(METHODS)}.")
        out = copy.copy(self)
        out.epochs = self.epochs or DEFAULTS[self.method]["epochs"]
        out.lr = self.lr or DEFAULTS[self.method]["lr"]
        out.head_lr = self.head_lr or DEFAULTS[self.method].get("head_lr") or out.lr
        if self.base not in PRESETS and Path(self.base).expanduser().is_dir():
            out.base = str(Path(self.base).expanduser().resolve())
        return out


@dataclass
class TrainResult:
    out: Path
    metrics: dict  # {"dev": ..., "test": ...}
    thresholds: np.ndarray
    dev_probs: np.ndarray = field(repr=False)
    seconds: float = 0.0


def _batches(lengths, batch_size: int, rng: np.random.Generator):
    """Shuffle, sort by length inside chunks of 50 batches, then shuffle the batch order."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s:s + chunk], key=lambda i: lengths[i])
        batches += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _pos_weight(targets: np.ndarray, power: float):
    if not power:
        return None
    pos = targets.sum(0).clip(min=1)
    return torch.tensor(np.minimum(((len(targets) - pos) / pos) ** power, 10.0), dtype=torch.float32)


@torch.no_grad()
def _encode(encoder, head, tokenizer, texts, args, pooled_only=False) -> np.ndarray:
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


def _train_head(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    feats = torch.tensor(_encode(encoder, head, tokenizer, train.texts, args, pooled_only=True))
    dev_feats = torch.tensor(_encode(encoder, head, tokenizer, log.dev.texts, args, pooled_only=True))
    y = torch.tensor(train.targets, dtype=torch.float32)
    gen = torch.Generator().manual_seed(args.seed)
    per_epoch = math.ceil(len(y) / args.batch_size)
    opt, sched = _optimizer(head.parameters(), args, per_epoch * args.epochs)
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
            log.loss.append(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.4f}", refresh=False)
        head.eval()
        with torch.no_grad():
            log.epoch_end(sigmoid(head.classify(dev_feats).numpy()))
        head.train()
    bar.close()


def _train_encoder(encoder, head, tokenizer, train: MultiLabelSplit, args, loss_fn, log):
    ids = tokenizer(list(train.texts), truncation=True, max_length=args.max_length)["input_ids"]
    lengths = [len(i) for i in ids]
    y = torch.tensor(train.targets, dtype=torch.float32)
    rng = np.random.default_rng(args.seed)
    per_epoch = math.ceil(len(ids) / args.batch_size)
    groups = [{"params": [p for p in encoder.parameters() if p.requires_grad]},
              {"params": list(head.parameters()), "lr": args.head_lr}]
    params = groups[0]["params"] + groups[1]["params"]
    opt, sched = _optimizer(groups, args, per_epoch * args.epochs)
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
            log.loss.append(loss.item())
            bar.update(1)
            bar.set_postfix(epoch=epoch + 1, loss=f"{smooth:.4f}", refresh=False)
        log.epoch_end(sigmoid(_encode(encoder, head, tokenizer, log.dev.texts, args)))
    bar.close()


@dataclass
class _Log:
    """What the training record keeps: the loss of every step, dev macro-F1 after every epoch."""

    dev: MultiLabelSplit
    loss: list = field(default_factory=list)
    dev_macro_f1: list = field(default_factory=list)
    dev_macro_f1_at_half: list = field(default_factory=list)

    def epoch_end(self, dev_probs: np.ndarray) -> None:
        names = self.dev.label_names
        tuned = tune_thresholds(self.dev.targets, dev_probs)
        self.dev_macro_f1.append(multilabel_metrics(self.dev.targets, dev_probs >= tuned, names)["macro_f1"])
        self.dev_macro_f1_at_half.append(multilabel_metrics(self.dev.targets, dev_probs >= 0.5, names)["macro_f1"])


def _count(module) -> tuple[int, int]:
    params = list(module.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)


def train(args: TrainArgs, *, train_split=None, dev_split=None, test_split=None) -> TrainResult:
    """Train, tune thresholds on dev, evaluate dev and test, and write ``args.out``."""
    from safetensors.torch import save_file

    args = args.resolved()
    torch.manual_seed(args.seed)
    train_split = (train_split or load_dataset(args.data, "train")).limit(args.limit)
    if args.max_examples:
        keep = np.sort(np.random.default_rng(args.seed).permutation(len(train_split))[:args.max_examples])
        train_split = MultiLabelSplit(tuple(train_split.texts[i] for i in keep), train_split.targets[keep],
                                      train_split.label_names, f"{train_split.source} ({len(keep)} of "
                                      f"{len(train_split)}, seeded shuffle, seed {args.seed})")
    dev_split = dev_split or load_dataset(args.data, "dev")
    test_split = test_split or load_dataset(args.data, "test")
    labels = train_split.label_names
    base = load_model(args.base)
    tokenizer = base.tokenizer
    encoder = copy.deepcopy(base.encoder)  # the cached base model stays untouched
    head = MeanPoolHead(encoder.config.hidden_size, len(labels), args.dropout)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=_pos_weight(train_split.targets, args.pos_weight))
    log = _Log(dev_split)
    start = time.perf_counter()
    if args.method == "head":
        encoder.requires_grad_(False)
        _train_head(encoder, head, tokenizer, train_split, args, loss_fn, log)
    else:
        if args.method == "lora":
            from peft import LoraConfig, get_peft_model

            cfg = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                             target_modules=LORA_TARGETS, bias="none")
            encoder = get_peft_model(encoder, cfg)
        _train_encoder(encoder, head, tokenizer, train_split, args, loss_fn, log)
    seconds = time.perf_counter() - start
    trained_params, total_params = (a + b for a, b in zip(_count(encoder), _count(head)))

    dev_probs = sigmoid(_encode(encoder, head, tokenizer, dev_split.texts, args))
    test_probs = sigmoid(_encode(encoder, head, tokenizer, test_split.texts, args))
    thresholds = tune_thresholds(dev_split.targets, dev_probs)
    metrics = {
        "dev": multilabel_metrics(dev_split.targets, dev_probs >= thresholds, labels),
        "test": multilabel_metrics(test_split.targets, test_probs >= thresholds, labels),
        "test_at_0.5": {k: v for k, v in multilabel_metrics(test_split.targets, test_probs >= 0.5, labels).items()
                        if k != "per_label"},
    }

    out = Path(args.out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in head.state_dict().items()}, str(out / "head.safetensors"))
    if args.method == "lora":
        if args.base in PRESETS:  # portable metadata instead of this machine's path
            encoder.peft_config["default"].base_model_name_or_path = PRESETS[args.base].hub_id
        encoder.save_pretrained(str(out / "adapter"))
        (out / "adapter" / "README.md").unlink(missing_ok=True)  # peft's empty template; README.md is the card
    elif args.method == "full":
        encoder.save_pretrained(str(out / "encoder"))
    info = {
        "format_version": FORMAT_VERSION, "base_model": args.base, "method": args.method, "pooling": "mean",
        "dropout": args.dropout, "max_length": args.max_length, "labels": list(labels),
        "thresholds": [float(t) for t in thresholds], "threshold_source": f"per-label F1 on dev ({dev_split.source})",
        "training_args": {k: v for k, v in asdict(args).items() if k != "progress"},
        "data": {"train": train_split.source, "dev": dev_split.source, "test": test_split.source,
                 "n_train": len(train_split), "n_dev": len(dev_split), "n_test": len(test_split)},
        "metrics": metrics, "training_seconds": round(seconds, 1),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
    }
    (out / "README.md").write_text(_card(info), encoding="utf-8")
    info["size_bytes"] = 0
    (out / "classifier.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    info["size_bytes"] = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    (out / "classifier.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    record = {
        "record_version": 1, "method": args.method, "base_model": args.base, "seed": args.seed,
        "arguments": info["training_args"], "data": info["data"],
        "parameters": {"trained": trained_params, "total": total_params},
        "loss": [round(v, 5) for v in log.loss], "dev_macro_f1": [round(v, 5) for v in log.dev_macro_f1],
        "dev_macro_f1_at_0.5": [round(v, 5) for v in log.dev_macro_f1_at_half],
        "metrics": {split: {k: v for k, v in m.items() if k != "per_label"} for split, m in metrics.items()},
        "wall_seconds": round(seconds, 1), "size_bytes": info["size_bytes"],
        "machine": {"arch": platform.machine(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                    "torch": torch.__version__, "python": platform.python_version()},
    }
    (out / "training_record.json").write_text(json.dumps(record), encoding="utf-8")
    return TrainResult(out=out, metrics=metrics, thresholds=thresholds, dev_probs=dev_probs, seconds=seconds)


def _row(m: dict) -> str:
    return (f"{m['macro_f1']:.3f} | {m['micro_f1']:.3f} | {m['macro_precision']:.3f} | {m['macro_recall']:.3f} | "
            f"{m['subset_accuracy']:.3f} | {m['hamming_loss']:.4f}")


def _card(info: dict) -> str:
    t, d, a = info["metrics"]["test"], info["metrics"]["dev"], info["training_args"]
    method = {"head": "a linear head on the frozen encoder",
              "lora": f"LoRA adapters (r={a['lora_r']}, alpha={a['lora_alpha']}) on every attention and "
                      "feed-forward linear layer, plus a linear head",
              "full": "full fine-tuning of every weight, plus a linear head"}[info["method"]]
    per = "\n".join(f"| {n} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | {thr:.2f} |"
                    for (n, v), thr in zip(t["per_label"].items(), info["thresholds"]))
    pw = f" --pos-weight {a['pos_weight']}" if a["pos_weight"] else ""
    lim = f" --limit {a['limit']}" if a["limit"] else ""
    hlr = f" --head-lr {a['head_lr']}" if info["method"] != "head" and a["head_lr"] != a["lr"] else ""
    lora = f" --lora-r {a['lora_r']} --lora-alpha {a['lora_alpha']}" if info["method"] == "lora" else ""
    return f"""# Multi-label emotion classifier ({info['method']}, base `{info['base_model']}`)

What it is: `{info['base_model']}` with {method}. Mean pooling over non-pad tokens -> dropout
{info['dropout']} -> Linear({len(info['labels'])}); sigmoid per label; a label is predicted when its
probability reaches its own threshold, tuned for F1 on the dev split (never on test).

Data: train {info['data']['train']} ({info['data']['n_train']:,} rows); thresholds from
{info['data']['dev']} ({info['data']['n_dev']:,}); scores on {info['data']['test']} ({info['data']['n_test']:,}).
GoEmotions is Reddit text with profanity and annotator noise; scores on other text will differ.

| split | macro-F1 | micro-F1 | macro-P | macro-R | subset acc. | Hamming loss |
|---|---|---|---|---|---|---|
| dev | {_row(d)} |
| test | {_row(t)} |

Training: {a['epochs']} epochs, lr {a['lr']}, batch {a['batch_size']}, max length {a['max_length']},
seed {a['seed']}, {info['training_seconds']:.0f} s on {info['machine']}.

Reproduce:

    python app.py train --data <GoEmotions dir or google-research-datasets/go_emotions> \\
        --base {info['base_model']} \\
        --method {info['method']} --epochs {a['epochs']} --lr {a['lr']} --batch-size {a['batch_size']} \\
        --max-length {a['max_length']} --seed {a['seed']}{hlr}{lora}{pw}{lim} --out DIR
    python app.py evaluate --classifier DIR --data <same> --split test --json

Per-label scores on test (threshold tuned on dev):

| label | precision | recall | F1 | support | threshold |
|---|---|---|---|---|---|
{per}
"""
