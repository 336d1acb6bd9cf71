"""Saved classifiers: the on-disk format, loading (cached, single flight) and batched inference.

A classifier directory (written by ``components.finetune.train.save_classifier``) holds
``classifier.json`` (base model name, method, labels, per-label thresholds, max length, metrics,
and optionally ``features``: which hidden layers the head reads), ``head.safetensors`` (mean
pooling -> dropout -> Linear) and either ``adapter/`` (peft LoRA, merged into a *copy* of the
base encoder at load) or ``encoder/`` (fully fine-tuned weights); ``head`` and ``sklearn-lr``
classifiers run on the frozen base encoder.
Any transformers ``*ForSequenceClassification`` directory or Hub id is accepted too; it runs as
itself, and its scores use the activation transformers' text-classification pipeline would use.

Design decision: one truncation rule per classifier. ``Classifier.max_length`` is what it was
trained with (recorded in ``classifier.json``), and both the app (``analyze(..., max_length=)``)
and ``evaluate`` (``predict_texts``) read it, so a long text scores the same in both.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from scipy.special import expit, softmax

from components.core.cache import Cache
from components.core.messages import Msg, UserError, render
from components.core.models import PRESETS, LoadedModel, load_model

__all__ = [
    "COMBINE", "FORMAT_VERSION", "MULTI_LABEL", "SHIPPED_CLASSIFIER", "Classifier", "MeanPoolHead", "combine_layers",
    "decide", "encode_batches", "forget_classifier", "known_language", "label_text", "load_classifier", "pad_batch",
    "predict_texts", "probabilities",
]

FORMAT_VERSION = 1
SHIPPED_CLASSIFIER = Path(__file__).resolve().parents[2] / "assets" / "classifier"
MULTI_LABEL = "multi_label_classification"


def known_language(path: str | Path | None) -> str:
    """The language a saved classifier reads ("en", "zh" or "multi"), from its base model's preset, without
    loading it (for the examples a tab offers at build time); "en" when its files do not say."""
    try:
        folder = Path(path or SHIPPED_CLASSIFIER).expanduser()
        info = json.loads((folder / "classifier.json").read_text(encoding="utf-8"))
        return PRESETS[info["base_model"]].language
    except (OSError, ValueError, KeyError, TypeError):
        return "en"

# The labels of the shipped data sets (GoEmotions, XED) have display names in core/texts.toml; others show as they are.
LABEL_KEYS = {
    "admiration": "label_admiration", "amusement": "label_amusement", "anger": "label_anger",
    "annoyance": "label_annoyance", "approval": "label_approval", "caring": "label_caring",
    "confusion": "label_confusion", "curiosity": "label_curiosity", "desire": "label_desire",
    "disappointment": "label_disappointment", "disapproval": "label_disapproval", "disgust": "label_disgust",
    "embarrassment": "label_embarrassment", "excitement": "label_excitement", "fear": "label_fear",
    "gratitude": "label_gratitude", "grief": "label_grief", "joy": "label_joy", "love": "label_love",
    "nervousness": "label_nervousness", "optimism": "label_optimism", "pride": "label_pride",
    "realization": "label_realization", "relief": "label_relief", "remorse": "label_remorse",
    "sadness": "label_sadness", "surprise": "label_surprise", "neutral": "label_neutral",
    "anticipation": "label_anticipation", "trust": "label_trust",
}


def label_text(label: str, lang: str) -> str:
    """A label as the reader's language names it (GoEmotions and XED labels have Chinese names)."""
    return render(Msg(LABEL_KEYS[label]), lang) if label in LABEL_KEYS else label


COMBINE = ("mean", "sum", "concat")


def combine_layers(pooled: torch.Tensor, layers: tuple[int, ...], combine: str) -> torch.Tensor:
    """Features [B, F] from per-layer pooled vectors [B, L+1, H] (0 = embeddings): mean, sum or concat of ``layers``.

    The one definition of a layer spec's features: training (``features.py``) and the saved
    head (``MeanPoolHead``) both call it, so they cannot compute different vectors.
    """
    chosen = pooled[:, list(layers)]
    if combine == "concat":
        return chosen.flatten(1)
    return chosen.sum(1) if combine == "sum" else chosen.mean(1)


class MeanPoolHead(torch.nn.Module):
    """Mean over non-pad tokens -> dropout -> Linear(C), on the last hidden state by default.

    With ``layers`` (indices into the encoder's hidden states, 0 = embedding output) the head
    pools each of those layers and combines them (``combine_layers``); ``forward`` then takes
    the tuple of *all* hidden states, and ``LoadedModel.run`` asks the encoder for them because
    ``layers`` is set. The parameters are the same two tensors either way (``linear.weight``,
    ``linear.bias``), so every saved head loads.
    """

    def __init__(self, hidden_size: int, num_labels: int, dropout: float = 0.1,
                 layers: tuple[int, ...] | None = None, combine: str = "mean"):
        super().__init__()
        if combine not in COMBINE:
            raise ValueError(f"combine must be one of {COMBINE}, not {combine!r}")
        self.layers = tuple(int(i) for i in layers) if layers else None
        self.combine = combine
        width = hidden_size * (len(self.layers) if self.layers and combine == "concat" else 1)
        self.dropout = torch.nn.Dropout(dropout)
        self.linear = torch.nn.Linear(width, num_labels)

    @staticmethod
    def pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.to(hidden.dtype).unsqueeze(-1)
        return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

    def features(self, hidden, mask: torch.Tensor) -> torch.Tensor:
        """The vector the linear layer reads: ``hidden`` is [B,T,H] (last layer) or all hidden states."""
        if self.layers is None:
            return self.pool(hidden, mask)
        pooled = torch.stack([self.pool(h, mask) for h in hidden], dim=1)  # [B, L+1, H]
        return combine_layers(pooled, self.layers, self.combine)

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(self.dropout(features))

    def forward(self, hidden, mask: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(hidden, mask))


@dataclass(frozen=True, eq=False)
class Classifier:
    model: LoadedModel  # .run(...) gives the logits
    labels: tuple[str, ...]
    thresholds: np.ndarray  # [C]; used for multi-label (sigmoid) classifiers
    activation: str  # "sigmoid" (multi-label), "softmax" (single-label) or "none" (regression scores)
    max_length: int  # the one truncation rule, shared by the app and `evaluate`
    metrics: dict = field(default_factory=dict)  # {"dev": {...}, "test": {...}} when known
    card: str = ""  # the model card (README.md) text, or a short description
    directory: Path | None = None
    info: dict = field(default_factory=dict)  # classifier.json contents (empty for transformers models)

    @property
    def multi_label(self) -> bool:
        return self.activation == "sigmoid"


_classifiers: Cache[Classifier] = Cache("classifiers", max_entries=8)


def _fix_hint(directory: Path) -> str:
    return "clf_fix_shipped" if directory == SHIPPED_CLASSIFIER else "clf_fix_other"


def _error(key: str, path: Path, **params) -> UserError:
    return UserError(key, path=str(path), fix=Msg(_fix_hint(path)), **params)


def load_classifier(path: str | Path | None = None) -> Classifier:
    """A saved classifier directory, a *ForSequenceClassification directory or a Hub id (cached).

    ``None`` (or "") means the shipped classifier, ``SHIPPED_CLASSIFIER``.
    """
    raw = (str(path).strip() if path is not None else "") or str(SHIPPED_CLASSIFIER)
    p = Path(raw).expanduser()
    key = str(p.resolve()) if p.exists() else raw
    return _classifiers.get_or_compute(key, lambda: _load(raw, p))


def forget_classifier(path: str | Path) -> None:
    """Drop a saved classifier from the cache before its directory is deleted (a session's own one)."""
    _classifiers.pop(str(Path(path).expanduser().resolve()))


def _load(raw: str, p: Path) -> Classifier:
    if p.is_dir() and (p / "classifier.json").exists():
        return _load_saved(p.resolve())
    if p.exists() and not p.is_dir():
        raise _error("clf_is_file", p.resolve())
    if p.is_dir() and not (p / "config.json").exists():
        raise _error("clf_no_files", p.resolve())
    if not p.exists() and (p.is_absolute() or raw.startswith((".", "~")) or p.resolve() == SHIPPED_CLASSIFIER):
        raise _error("clf_missing", p)
    model = load_model(raw)  # a ForSequenceClassification directory or Hub id
    if not model.is_classifier:
        raise UserError("clf_no_head", name=raw)
    activation = model.activation
    kind = {"sigmoid": "multi-label, sigmoid per label, threshold 0.5",
            "softmax": "single-label: softmax, exactly one label", "none": "regression: raw scores"}[activation]
    card = f"{raw}: transformers sequence classifier ({len(model.labels)} labels, {kind})"
    return Classifier(model=model, labels=model.labels, thresholds=np.full(len(model.labels), 0.5),
                      activation=activation, max_length=model.max_length, card=card,
                      directory=p.resolve() if p.is_dir() else None)


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
        elif info["method"] not in ("head", "sklearn-lr"):  # these two: a linear head on the frozen base encoder
            raise ValueError(f"unknown method {info['method']!r} (expected 'head', 'lora', 'full' or 'sklearn-lr')")
        encoder.eval()
        head = _head(info, encoder.config, len(labels))
        head.load_state_dict(load_file(str(d / "head.safetensors")))
        head.eval()
    except UserError:
        raise
    except (OSError, KeyError, TypeError, ValueError, RuntimeError, SafetensorError) as exc:
        raise _error("clf_corrupt", d, error=f"{type(exc).__name__}: {str(exc)[:300]}") from exc
    card_file = d / "README.md"
    # the full path as name: the analysis cache is keyed by it, and two runs may share a folder name
    model = LoadedModel(name=f"classifier:{d}", source=f"classifier {d} on {info['base_model']}",
                        tokenizer=base.tokenizer, encoder=encoder, language=base.language, head=head,
                        labels=labels, problem_type=MULTI_LABEL, extra={"base": info["base_model"]})
    max_length = min(int(info.get("max_length", model.max_length)), model.max_length)
    return Classifier(model=model, labels=labels, thresholds=thresholds, activation="sigmoid", max_length=max_length,
                      metrics=info.get("metrics", {}), directory=d, info=info,
                      card=card_file.read_text(encoding="utf-8", errors="replace") if card_file.exists() else "")


def _head(info: dict, config, num_labels: int) -> MeanPoolHead:
    """The head ``classifier.json`` describes: the last layer, or ``features`` {"layers": [...], "combine": ...}."""
    features = info.get("features") or {}
    layers = tuple(int(i) for i in features.get("layers", ()))
    if any(not 0 <= i <= config.num_hidden_layers for i in layers):
        raise ValueError(f"features.layers {list(layers)} outside 0..{config.num_hidden_layers}")
    return MeanPoolHead(config.hidden_size, num_labels, info.get("dropout", 0.1), layers or None,
                        features.get("combine", "mean"))


def probabilities(classifier: Classifier, logits) -> np.ndarray:
    """Logits [..., C] -> scores, with the classifier's activation (sigmoid, softmax or none)."""
    if isinstance(logits, torch.Tensor):
        logits = logits.detach().float().cpu().numpy()
    logits = np.asarray(logits, dtype=np.float64)
    if classifier.activation == "sigmoid":
        return expit(logits)
    if classifier.activation == "softmax":
        return softmax(logits, axis=-1)
    return logits


def decide(classifier: Classifier, probs) -> np.ndarray:
    """0/1 decisions [..., C]: per-label thresholds (multi-label) or the argmax (single-label, regression)."""
    probs = np.asarray(probs)
    if classifier.multi_label:
        return (probs >= classifier.thresholds).astype(np.uint8)
    out = np.zeros_like(probs, dtype=np.uint8)
    np.put_along_axis(out, probs.argmax(-1)[..., None], 1, axis=-1)
    return out


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
def predict_texts(classifier: Classifier, texts, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Scores [N, C] for ``texts`` (batched, order preserved), truncated at ``classifier.max_length``."""
    texts = list(texts)
    out = np.zeros((len(texts), len(classifier.labels)), dtype=np.float64)
    batches = encode_batches(classifier.model.tokenizer, texts, batch_size, classifier.max_length)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, total=-(-len(texts) // batch_size), desc="predict", leave=False)
    for idx, input_ids, mask in batches:
        logits, _, _ = classifier.model.run(input_ids, mask)
        out[idx] = probabilities(classifier, logits)
    return out
