"""Saved classifiers: the on-disk format, loading (cached, thread-safe) and batched inference.

A classifier directory (written by ``components.training.train``) holds ``classifier.json``
(base model name, method, labels, per-label thresholds, metrics), ``head.safetensors`` (mean
pooling -> dropout -> Linear) and either ``adapter/`` (peft LoRA, merged into a *copy* of the
base encoder at load) or ``encoder/`` (fully fine-tuned weights). Any transformers
``*ForSequenceClassification`` directory or Hub id is accepted too, through ``load_model``.
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from components.core.models import LoadedModel, load_model
from components.finetune.metrics import sigmoid, softmax

__all__ = [
    "FORMAT_VERSION", "SHIPPED_CLASSIFIER", "Classifier", "MeanPoolHead", "clear_classifier_cache",
    "decide", "load_classifier", "probabilities", "predict_texts", "top_labels",
]

FORMAT_VERSION = 1
SHIPPED_CLASSIFIER = Path(__file__).resolve().parents[2] / "assets" / "classifier"
MULTI_LABEL = "multi_label_classification"


class MeanPoolHead(torch.nn.Module):
    """Mean of the last hidden state over non-pad tokens -> dropout -> Linear(C)."""

    def __init__(self, hidden_size: int, num_labels: int, dropout: float = 0.1):
        super().__init__()
        self.dropout = torch.nn.Dropout(dropout)
        self.linear = torch.nn.Linear(hidden_size, num_labels)

    @staticmethod
    def pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    def classify(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.linear(self.dropout(pooled))

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.classify(self.pool(hidden, mask))


@dataclass(frozen=True, eq=False)
class Classifier:
    model: LoadedModel  # .tokenizer, .encoder, .head(hidden[B,T,H], mask[B,T]) -> logits[B,C]
    labels: tuple[str, ...]
    thresholds: np.ndarray  # [C]; for single-label models unused (argmax decides)
    multi_label: bool
    metrics: dict = field(default_factory=dict)  # {"dev": {...}, "test": {...}} when known
    card: str = ""  # the model card (README.md) text, or a short description
    directory: Path | None = None
    info: dict = field(default_factory=dict)  # classifier.json contents (empty for HF models)


_cache: dict[str, Classifier] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def clear_classifier_cache() -> None:
    with _guard:
        _cache.clear()


def _fix_hint(directory: Path) -> str:
    if directory == SHIPPED_CLASSIFIER:
        return ("Restore the shipped classifier with `git checkout -- assets/classifier` "
                "(or retrain it, see assets/classifier/README.md).")
    return "Point to a directory written by `python app.py train ... --out DIR`, or retrain it."


def load_classifier(path: str | Path | None = None) -> Classifier:
    """Load a saved classifier directory, a *ForSequenceClassification directory or a Hub id (cached).

    ``None`` (or "") means the shipped classifier, ``SHIPPED_CLASSIFIER``.
    """
    raw = str(path).strip() if path is not None else ""
    raw = raw or str(SHIPPED_CLASSIFIER)
    p = Path(raw).expanduser()
    key = str(p.resolve()) if p.exists() else raw
    if key in _cache:
        return _cache[key]
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _cache:
            _cache[key] = _load(raw, p)
        return _cache[key]


def _load(raw: str, p: Path) -> Classifier:
    if p.is_dir() and (p / "classifier.json").exists():
        return _load_saved(p.resolve())
    if p.exists() and not p.is_dir():
        raise ValueError(f"{p.resolve()} is a file, not a classifier directory. " + _fix_hint(p.resolve()))
    if p.is_dir() and not (p / "config.json").exists():
        raise ValueError(f"Classifier directory {p.resolve()} has neither classifier.json nor config.json. "
                         + _fix_hint(p.resolve()))
    if not p.exists() and (p.is_absolute() or raw.startswith((".", "~")) or p.resolve() == SHIPPED_CLASSIFIER):
        raise ValueError(f"Classifier directory {p} does not exist. " + _fix_hint(p.resolve()))
    model = load_model(raw)  # a ForSequenceClassification directory or Hub id
    if model.head is None or not model.labels:
        raise ValueError(f"'{raw}' is a plain encoder without a classification head; pass a classifier "
                         "directory or a *ForSequenceClassification model.")
    multi = model.problem_type == MULTI_LABEL
    card = (f"{raw}: transformers sequence classifier ({len(model.labels)} labels, "
            + ("multi-label, sigmoid, threshold 0.5" if multi else "single-label: softmax, exactly one label")
            + ")")
    return Classifier(model=model, labels=model.labels, thresholds=np.full(len(model.labels), 0.5),
                      multi_label=multi, card=card, directory=p.resolve() if p.is_dir() else None)


def _load_saved(d: Path) -> Classifier:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        info = json.loads((d / "classifier.json").read_text(encoding="utf-8"))
        version = int(info["format_version"])
        if version > FORMAT_VERSION:
            raise ValueError(f"format version {version} is newer than this app ({FORMAT_VERSION})")
        labels = tuple(info["labels"])
        thresholds = np.asarray(info["thresholds"], dtype=np.float64)
        if len(thresholds) != len(labels):
            raise ValueError(f"{len(thresholds)} thresholds for {len(labels)} labels")
        base = load_model(info["base_model"])
        encoder = copy.deepcopy(base.encoder)  # never touch the shared base model
        if info["method"] == "lora":
            from peft import PeftModel

            if not (d / "adapter" / "adapter_config.json").exists():
                raise FileNotFoundError(f"{d / 'adapter'} (the LoRA adapter) is missing")
            encoder = PeftModel.from_pretrained(encoder, str(d / "adapter")).merge_and_unload()
        elif info["method"] == "full":
            from transformers import AutoModel

            if not (d / "encoder" / "config.json").exists():
                raise FileNotFoundError(f"{d / 'encoder'} (the fine-tuned encoder) is missing")
            encoder = AutoModel.from_pretrained(str(d / "encoder"), attn_implementation="eager")
        elif info["method"] != "head":  # "head": a linear head on the frozen base encoder
            raise ValueError(f"unknown method {info['method']!r} (expected 'head', 'lora' or 'full')")
        encoder.eval()
        head = MeanPoolHead(encoder.config.hidden_size, len(labels), info.get("dropout", 0.1))
        head.load_state_dict(load_file(str(d / "head.safetensors")))
        head.eval()
    except (OSError, KeyError, TypeError, ValueError, RuntimeError, SafetensorError) as exc:
        raise ValueError(f"Classifier directory {d} is missing or corrupt ({type(exc).__name__}: "
                         f"{str(exc)[:300]}). {_fix_hint(d)}") from exc
    card_file = d / "README.md"
    # the full path as name: the analysis cache is keyed by it, and two runs may share a folder name
    model = LoadedModel(name=f"classifier:{d}", source=f"classifier {d} on {info['base_model']}",
                        tokenizer=base.tokenizer, encoder=encoder, language=base.language, head=head,
                        labels=labels, problem_type=MULTI_LABEL, extra={"base": info["base_model"]})
    return Classifier(model=model, labels=labels, thresholds=thresholds, multi_label=True,
                      metrics=info.get("metrics", {}), directory=d, info=info,
                      card=card_file.read_text(encoding="utf-8", errors="replace") if card_file.exists() else "")


def probabilities(classifier: Classifier, logits) -> np.ndarray:
    """Logits [..., C] -> probabilities: sigmoid per label (multi-label) or softmax (single-label)."""
    if isinstance(logits, torch.Tensor):
        logits = logits.detach().float().cpu().numpy()
    return sigmoid(logits) if classifier.multi_label else softmax(logits, axis=-1)


def decide(classifier: Classifier, probs) -> np.ndarray:
    """0/1 decisions [..., C]: per-label thresholds, or the argmax for single-label models."""
    probs = np.asarray(probs)
    if classifier.multi_label:
        return (probs >= classifier.thresholds).astype(np.uint8)
    out = np.zeros_like(probs, dtype=np.uint8)
    np.put_along_axis(out, probs.argmax(-1)[..., None], 1, axis=-1)
    return out


def top_labels(classifier: Classifier, probs_row) -> list[tuple[str, float, bool]]:
    """(label, probability, predicted) for one example, most probable first."""
    probs_row = np.asarray(probs_row)
    chosen = decide(classifier, probs_row[None])[0]
    order = np.argsort(-probs_row, kind="stable")
    return [(classifier.labels[i], float(probs_row[i]), bool(chosen[i])) for i in order]


def pad_batch(ids: list[list[int]], idx: list[int], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask) for the rows ``idx`` of ``ids``, padded to the longest of them."""
    width = max(len(ids[i]) for i in idx)
    input_ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        input_ids[row, :len(ids[i])] = torch.tensor(ids[i])
        mask[row, :len(ids[i])] = 1
    return input_ids, mask


def encode_batches(tokenizer, texts, batch_size: int, max_length: int):
    """Yield (indices, input_ids, attention_mask), grouping texts of similar length (dynamic padding)."""
    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    pad = tokenizer.pad_token_id or 0
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield (idx, *pad_batch(ids, idx, pad))


@torch.no_grad()
def predict_texts(classifier: Classifier, texts, batch_size: int = 64, max_length: int | None = None,
                  progress: bool = False) -> np.ndarray:
    """Probabilities [N, C] for ``texts`` (batched, no_grad; order preserved)."""
    texts = list(texts)
    max_length = max_length or int(classifier.info.get("max_length", min(classifier.model.max_length, 128)))
    out = np.zeros((len(texts), len(classifier.labels)), dtype=np.float64)
    batches = encode_batches(classifier.model.tokenizer, texts, batch_size, max_length)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, total=-(-len(texts) // batch_size), desc="predict", leave=False)
    for idx, input_ids, mask in batches:
        hidden = classifier.model.encoder(input_ids=input_ids, attention_mask=mask).last_hidden_state
        out[idx] = probabilities(classifier, classifier.model.head(hidden, mask))
    return out
