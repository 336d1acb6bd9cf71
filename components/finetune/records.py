"""The measured comparison: training records (``training_record.json``, record_version 1) and the
layer sweep (benchmarks/results/finetune_layers.json) read for the Fine-tuning tab.

Design decision: the tab shows only what a run wrote down. A record that cannot be read is left
out with a message naming the file (never a crash, never a guessed number); the layer sweep is
shown when its JSON exists and otherwise replaced by the command that produces it. Rows are
plain data (``Row``); the tab renders them in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.core.messages import Msg

__all__ = ["LAYERS_TABLE", "RECORDS_DIR", "Record", "Row", "comparison", "epoch_axis", "read_layers", "read_records",
           "smooth"]

ROOT = Path(__file__).resolve().parents[2]
RECORDS_DIR = ROOT / "assets" / "finetune" / "records"
LAYERS_TABLE = ROOT / "benchmarks" / "results" / "finetune_layers.json"
ORDER = ("head", "sklearn-lr", "lora", "full")  # feature extraction first, then fine-tuning
FINE_TUNING = ("lora", "full")


@dataclass(frozen=True)
class Record:
    """What the tab reads from one training record."""

    name: str  # the file's stem (head, lora, full, sklearn-lr, ...)
    method: str
    test_macro_f1: float
    test_micro_f1: float
    trained: int
    total: int
    wall_seconds: float
    size_bytes: int
    loss: tuple[float, ...]
    dev_macro_f1: tuple[float, ...]
    epochs: int


@dataclass(frozen=True)
class Row:
    """One line of the comparison table (numbers, not text: the tab formats them)."""

    method: str
    kind: str  # "extract" or "tune"
    macro_f1: float
    micro_f1: float
    trained: int
    total: int
    seconds: float
    size_bytes: int
    spec: str | None = None  # a layer-sweep row: the layer spec
    fit_only: bool = False  # the time is the fit alone (features were extracted once for the whole sweep)
    epochs: int | None = None  # passes over the training split (None: not trained in epochs, e.g. lbfgs)

    @property
    def share(self) -> float:
        return self.trained / self.total if self.total else 0.0


def _record(path: Path) -> Record:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("record_version") != 1:
        raise ValueError(f"record_version {data.get('record_version')!r}, expected 1")
    test = data["metrics"]["test"]
    loss = tuple(float(v) for v in data.get("loss") or ())
    dev = tuple(float(v) for v in data.get("dev_macro_f1") or ())
    epochs = int((data.get("arguments") or {}).get("epochs") or len(dev) or 1)
    return Record(name=path.stem, method=str(data["method"]), test_macro_f1=float(test["macro_f1"]),
                  test_micro_f1=float(test["micro_f1"]), trained=int(data["parameters"]["trained"]),
                  total=int(data["parameters"]["total"]), wall_seconds=float(data["wall_seconds"]),
                  size_bytes=int(data.get("size_bytes") or 0), loss=loss, dev_macro_f1=dev, epochs=epochs)


def read_records(directory: Path | None = None) -> tuple[list[Record], list[Msg]]:
    """The readable records (head, sklearn-lr, lora, full first) and a message for each unreadable file."""
    directory = directory or RECORDS_DIR
    records, notes = [], []
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    for path in files:
        try:
            records.append(_record(path))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            notes.append(Msg("ft_cmp_bad_record", path=path.name, error=f"{type(exc).__name__}: {str(exc)[:120]}"))
    if not files:
        notes.append(Msg("ft_cmp_no_records", path=_shown(directory)))
    records.sort(key=lambda r: (ORDER.index(r.method) if r.method in ORDER else len(ORDER), r.name))
    return records, notes


def read_layers(path: Path | None = None) -> tuple[list[Row], Msg]:
    """The layer sweep's sklearn-lr rows and the note that explains them, or no rows and how to produce them."""
    path = path or LAYERS_TABLE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = [Row(method="sklearn-lr", kind="extract", macro_f1=float(r["test_macro_f1"]),
                    micro_f1=float(r["test_micro_f1"]), trained=int(r["trained_parameters"]),
                    total=int(r["total_parameters"]), seconds=float(r["fit_seconds"]),
                    size_bytes=int(r.get("size_bytes") or 0), spec=str(r["spec"]), fit_only=True)
                for r in data["rows"] if r.get("method") == "sklearn-lr" and r.get("spec")]
        last = max((max(r["layers"]) for r in data["rows"] if r.get("method") == "sklearn-lr" and r.get("layers")),
                   default=0)
    except (OSError, ValueError, KeyError, TypeError):
        return [], Msg("ft_cmp_layers_missing")
    if not rows:
        return [], Msg("ft_cmp_layers_missing")
    return rows, Msg("ft_cmp_layers_note", n=last, path=_shown(path))


def comparison(records: list[Record], layer_rows: list[Row]) -> list[Row]:
    """The recorded runs, then the layer sweep (best first)."""
    rows = [Row(method=r.method, kind="tune" if r.method in FINE_TUNING else "extract", macro_f1=r.test_macro_f1,
                micro_f1=r.test_micro_f1, trained=r.trained, total=r.total, seconds=r.wall_seconds,
                size_bytes=r.size_bytes, epochs=r.epochs) for r in records]
    return rows + sorted(layer_rows, key=lambda r: -r.macro_f1)


def smooth(values, weight: float = 0.98) -> np.ndarray:
    """Bias-corrected exponential moving average (TensorBoard's smoothing): y_t = EMA_t / (1 - weight**t)."""
    import pandas as pd  # already loaded by gradio; scipy.signal would add half a second to every start

    x = np.asarray(values, dtype=np.float64)
    if not len(x):
        return x
    return pd.Series(x).ewm(alpha=1 - weight, adjust=True).mean().to_numpy()


def epoch_axis(n_steps: int, epochs: int) -> np.ndarray:
    """Step i (1-based) as a fraction of epochs, so runs with different batch counts share one x axis."""
    return np.arange(1, n_steps + 1) * (max(epochs, 1) / max(n_steps, 1))


def _shown(path: Path) -> str:
    """A path as the README and the students see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
