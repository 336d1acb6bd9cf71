"""Multi-label text classification data: one frozen split type, one ``load_dataset`` entry point.

Sources (``load_dataset(source, split)`` dispatches on the string):

* a GoEmotions directory in its original TSV format (train/dev/test.tsv + emotions.txt);
* the Hub id ``google-research-datasets/go_emotions`` (config ``simplified``) via ``datasets``;
* an XED-format TSV file (``text<TAB>ids 1..8``): one file, split 80/10/10 with a fixed seed;
* a CSV or JSONL file with ``text`` and ``labels`` fields (one file = every split, or pass
  ``name.{train,dev,test}.csv`` siblings).

Malformed rows are never dropped silently: they raise ``DataError`` naming file, line and reason.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["DataError", "MultiLabelSplit", "GOEMOTIONS_HUB_ID", "XED_LABELS", "SPLITS", "load_dataset"]

GOEMOTIONS_HUB_ID = "google-research-datasets/go_emotions"
XED_LABELS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
SPLITS = ("train", "dev", "test")
_SPLIT_ALIASES = {"validation": "dev", "val": "dev", "valid": "dev"}


class DataError(ValueError):
    """A data file is missing or malformed; the message names file, line and what to do."""


@dataclass(frozen=True, eq=False)
class MultiLabelSplit:
    texts: tuple[str, ...]
    targets: np.ndarray  # [N, C] uint8, 1 = label present
    label_names: tuple[str, ...]
    source: str
    skipped: int = 0  # rows deliberately skipped (always reported, never silent)

    def __len__(self) -> int:
        return len(self.texts)

    def limit(self, n: int | None) -> MultiLabelSplit:
        """The first ``n`` rows (for quick runs); ``None`` or 0 keeps everything."""
        if not n or n >= len(self):
            return self
        return MultiLabelSplit(self.texts[:n], self.targets[:n], self.label_names,
                               f"{self.source} (first {n})", self.skipped)


def _split_name(split: str) -> str:
    split = _SPLIT_ALIASES.get(split.strip().lower(), split.strip().lower())
    if split not in SPLITS:
        raise DataError(f"Unknown split '{split}'; use one of {', '.join(SPLITS)}.")
    return split


def _make(texts, rows, names, source) -> MultiLabelSplit:
    targets = np.zeros((len(texts), len(names)), dtype=np.uint8)
    for i, ids in enumerate(rows):
        targets[i, list(ids)] = 1
    return MultiLabelSplit(tuple(texts), targets, tuple(names), source)


def _parse_ids(field: str, n_labels: int, offset: int, where: str) -> list[int]:
    parts = [p.strip() for p in field.split(",")]
    if not field.strip() or any(not p for p in parts):
        raise DataError(f"{where}: empty label id in '{field}'. Every row needs at least one label id.")
    ids = []
    for p in parts:
        if not p.lstrip("-").isdigit():
            raise DataError(f"{where}: label id '{p}' is not an integer. Fix or remove the row.")
        i = int(p) - offset
        if not 0 <= i < n_labels:
            lo, hi = offset, n_labels - 1 + offset
            raise DataError(f"{where}: label id {p} is outside {lo}..{hi}. Fix or remove the row.")
        ids.append(i)
    return ids


def _read_id_tsv(path: Path, n_labels: int, offset: int, min_cols: int):
    texts, rows = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            where = f"{path}, line {lineno}"
            cols = line.split("\t")
            if len(cols) < min_cols:
                raise DataError(f"{where}: expected {min_cols} tab-separated columns "
                                f"(text, label ids{', comment id' if min_cols > 2 else ''}), "
                                f"found {len(cols)}. Check the file is tab-separated.")
            if not cols[0].strip():
                raise DataError(f"{where}: empty text. Remove the row or fill in the text.")
            texts.append(cols[0])
            rows.append(_parse_ids(cols[1], n_labels, offset, where))
    if not texts:
        raise DataError(f"{path}: no rows. Check the file is the right one and not empty.")
    return texts, rows


def _goemotions_dir(folder: Path, split: str) -> MultiLabelSplit:
    names_file = folder / "emotions.txt"
    if not names_file.is_file():
        raise DataError(f"{folder}: no emotions.txt; a GoEmotions directory holds emotions.txt and "
                        "train.tsv/dev.tsv/test.tsv in the original format.")
    names = [n.strip() for n in names_file.read_text(encoding="utf-8").splitlines() if n.strip()]
    path = folder / f"{split}.tsv"
    if not path.is_file():
        raise DataError(f"{path} does not exist; expected train.tsv, dev.tsv and test.tsv in {folder}.")
    texts, rows = _read_id_tsv(path, len(names), 0, 3)
    return _make(texts, rows, names, str(path))


def _goemotions_hub(split: str) -> MultiLabelSplit:
    try:
        import datasets  # lazy: only for online use
    except ImportError as exc:
        raise DataError("Loading GoEmotions from the Hub needs `pip install datasets==5.2.0`; or pass "
                        "a local GoEmotions directory (train.tsv, dev.tsv, test.tsv, emotions.txt).") from exc
    hub_split = {"dev": "validation"}.get(split, split)
    try:
        ds = datasets.load_dataset(GOEMOTIONS_HUB_ID, "simplified", split=hub_split)
    except Exception as exc:  # noqa: BLE001 - network and cache errors come in many types
        raise DataError(f"Could not load {GOEMOTIONS_HUB_ID} ({split}) from the Hub: {exc}. "
                        "Offline, pass a local GoEmotions directory instead.") from exc
    names = ds.features["labels"].feature.names
    return _make(list(ds["text"]), list(ds["labels"]), names, f"{GOEMOTIONS_HUB_ID}:{hub_split}")


def _xed(path: Path, split: str, seed: int = 13) -> MultiLabelSplit:
    texts, rows = _read_id_tsv(path, len(XED_LABELS), 1, 2)
    order = np.random.default_rng(seed).permutation(len(texts))
    n_train, n_dev = int(round(0.8 * len(texts))), int(round(0.1 * len(texts)))
    part = {"train": order[:n_train], "dev": order[n_train:n_train + n_dev],
            "test": order[n_train + n_dev:]}[split]
    part = np.sort(part)
    return _make([texts[i] for i in part], [rows[i] for i in part], XED_LABELS,
                 f"{path} ({split}: seeded 80/10/10 split, seed {seed})")


def _labels_field(value, where: str) -> list[str]:
    if isinstance(value, str):
        sep = "|" if "|" in value else ","
        out = [v.strip() for v in value.split(sep)]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        out = [v.strip() for v in value]
    else:
        raise DataError(f"{where}: 'labels' must be a list of names or a string separated by ',' or '|', "
                        f"got {type(value).__name__}.")
    if not out or any(not v for v in out):
        raise DataError(f"{where}: empty label name in {value!r}. Every row needs at least one label.")
    return out


def _records(path: Path):
    """Yield (lineno, record dict) from a CSV (header row) or JSONL file."""
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        with path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}, line {lineno}: invalid JSON ({exc.msg}). Each line must "
                                    'be one object like {"text": "...", "labels": ["joy"]}.') from exc
                if not isinstance(rec, dict):
                    raise DataError(f"{path}, line {lineno}: expected a JSON object, got {type(rec).__name__}.")
                yield lineno, rec
    else:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"text", "labels"} - set(reader.fieldnames or [])
            if missing:
                raise DataError(f"{path}, line 1: header lacks column(s) {', '.join(sorted(missing))}; "
                                "the CSV needs a header row with 'text' and 'labels'.")
            for rec in reader:
                yield reader.line_num, rec


def _text_labels(path: Path, split: str, label_names=None) -> MultiLabelSplit:
    target = path
    sibling = path.with_name(f"{path.stem}.{split}{path.suffix}")
    if sibling.is_file():
        target = sibling
    texts, raw = [], []
    for lineno, rec in _records(target):
        where = f"{target}, line {lineno}"
        for key in ("text", "labels"):
            if rec.get(key) is None:
                raise DataError(f"{where}: missing '{key}' field. Each row needs 'text' and 'labels'.")
        if not isinstance(rec["text"], str) or not rec["text"].strip():
            raise DataError(f"{where}: empty text. Remove the row or fill in the text.")
        texts.append(rec["text"])
        raw.append((where, _labels_field(rec["labels"], where)))
    if not texts:
        raise DataError(f"{target}: no rows. Check the file is the right one and not empty.")
    names = list(label_names) if label_names else sorted({n for _, ls in raw for n in ls})
    index = {n: i for i, n in enumerate(names)}
    rows = []
    for where, ls in raw:
        unknown = [n for n in ls if n not in index]
        if unknown:
            raise DataError(f"{where}: unknown label(s) {unknown}; known labels: {', '.join(names)}.")
        rows.append([index[n] for n in ls])
    return _make(texts, rows, names, str(target))


def load_dataset(source: str, split: str = "train", label_names=None) -> MultiLabelSplit:
    """Read one split of a multi-label dataset; see the module docstring for the sources."""
    split = _split_name(split)
    src = str(source).strip()
    if src in {GOEMOTIONS_HUB_ID, "go_emotions", "goemotions"} and not Path(src).exists():
        return _goemotions_hub(split)
    path = Path(src).expanduser()
    if path.is_dir():
        return _goemotions_dir(path, split)
    if not path.is_file():
        raise DataError(f"Data source '{src}' is neither a file, a GoEmotions directory nor "
                        f"'{GOEMOTIONS_HUB_ID}'. Check the path.")
    if path.suffix.lower() in {".csv", ".jsonl", ".ndjson", ".json"}:
        return _text_labels(path, split, label_names)
    if path.suffix.lower() == ".tsv":
        return _xed(path, split)
    raise DataError(f"{path}: unknown file type '{path.suffix}'; use .tsv (XED format), .csv or .jsonl.")
