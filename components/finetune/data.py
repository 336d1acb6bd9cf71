"""Multi-label text classification data: one frozen split type, one ``load_dataset`` entry point.

Sources (``load_dataset(source, split, label_names=None)`` dispatches on the string):

* a GoEmotions directory in its original TSV format (train/dev/test.tsv + emotions.txt);
* the Hub id ``google-research-datasets/go_emotions`` (config ``simplified``) via ``datasets``;
* an XED-format TSV file (``text<TAB>ids 1..8``);
* a CSV or JSONL file with ``text`` and ``labels`` fields.

The split rule for one file (XED, CSV, JSONL): a sibling ``NAME.train.csv`` / ``NAME.dev.csv`` /
``NAME.test.csv`` (same suffix) is that split, whole; a split without a sibling is a part of
``NAME.csv`` cut by a seeded shuffle (``SPLIT_SEED`` = 13): the first 80 % (rounded) of the
shuffled rows are train, the next 10 % dev (at least one row), the rest test (at least one), each
kept in file order. So train, dev and test never share a row, and the same file always gives
the same parts. A file too small for three parts is refused. Label names of a CSV/JSONL file are
the sorted union over the whole file, so every part has the same columns.

Design decision: columns are aligned *by name*. ``label_names=`` (``train`` passes the train
split's names when it reads dev and test) fixes the columns of any source, so a label missing
from a split leaves a zero column instead of shifting the others; a row with a label outside
those names is refused. Malformed rows are never dropped silently: ``DataError`` (a
``UserError``, in English and Chinese) names file, line and reason.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.core.messages import Msg, UserError

__all__ = ["DataError", "GOEMOTIONS_HUB_ID", "MultiLabelSplit", "SPLITS", "SPLIT_SEED", "XED_LABELS", "load_dataset"]

GOEMOTIONS_HUB_ID = "google-research-datasets/go_emotions"
XED_LABELS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
SPLITS = ("train", "dev", "test")
SPLIT_SEED = 13
_SPLIT_ALIASES = {"validation": "dev", "val": "dev", "valid": "dev"}
_JSON_EXAMPLE = '{"text": "...", "labels": ["joy"]}'

class DataError(UserError):
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

    def sample(self, n: int | None, seed: int = 42) -> MultiLabelSplit:
        """``n`` rows chosen by a seeded shuffle, kept in file order (``None`` or ``n >= len`` keeps all)."""
        if not n or n >= len(self):
            return self
        keep = np.sort(np.random.default_rng(seed).permutation(len(self))[:n])
        return MultiLabelSplit(tuple(self.texts[i] for i in keep), self.targets[keep], self.label_names,
                               f"{self.source} ({n} of {len(self)}, seeded shuffle, seed {seed})", self.skipped)


def _where(path, line: int) -> Msg:
    return Msg("ft_data_where", path=str(path), line=line)


def _split_name(split: str) -> str:
    split = _SPLIT_ALIASES.get(split.strip().lower(), split.strip().lower())
    if split not in SPLITS:
        raise DataError("ft_data_unknown_split", split=split, choices=list(SPLITS))
    return split


def _make(texts, rows, names, source) -> MultiLabelSplit:
    targets = np.zeros((len(texts), len(names)), dtype=np.uint8)
    for i, ids in enumerate(rows):
        targets[i, list(ids)] = 1
    return MultiLabelSplit(tuple(texts), targets, tuple(names), source)


def _align(split: MultiLabelSplit, label_names) -> MultiLabelSplit:
    """The same rows with columns ``label_names`` (by name); a used label outside them is refused."""
    if label_names is None or tuple(label_names) == split.label_names:
        return split
    names = tuple(label_names)
    index = {n: i for i, n in enumerate(names)}
    used = [n for j, n in enumerate(split.label_names) if split.targets[:, j].any()]
    unknown = [n for n in used if n not in index]
    if unknown:
        raise DataError("ft_data_unknown_label", where=split.source, unknown=unknown, known=list(names))
    targets = np.zeros((len(split), len(names)), dtype=np.uint8)
    for j, n in enumerate(split.label_names):
        if n in index:
            targets[:, index[n]] = split.targets[:, j]
    return MultiLabelSplit(split.texts, targets, names, split.source, split.skipped)


def _part(n: int, split: str, path: Path) -> np.ndarray:
    """Row indices of ``split`` in a file of ``n`` rows, by the module's documented seeded rule."""
    if n < 3:
        raise DataError("ft_data_too_few", path=str(path), n=n, stem=path.stem)
    n_dev = max(1, int(round(0.1 * n)))
    n_train = min(int(round(0.8 * n)), n - n_dev - 1)
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    bounds = {"train": (0, n_train), "dev": (n_train, n_train + n_dev), "test": (n_train + n_dev, n)}[split]
    return np.sort(order[slice(*bounds)])


def _parse_ids(field: str, n_labels: int, offset: int, where: Msg) -> list[int]:
    parts = [p.strip() for p in field.split(",")]
    if not field.strip() or any(not p for p in parts):
        raise DataError("ft_data_empty_id", where=where, field=field)
    ids = []
    for p in parts:
        if not p.lstrip("-").isdigit():
            raise DataError("ft_data_id_not_int", where=where, id=p)
        i = int(p) - offset
        if not 0 <= i < n_labels:
            raise DataError("ft_data_id_range", where=where, id=p, lo=offset, hi=n_labels - 1 + offset)
        ids.append(i)
    return ids


def _read_id_tsv(path: Path, n_labels: int, offset: int, min_cols: int):
    texts, rows = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            cols = line.rstrip("\r\n").split("\t")
            where = _where(path, lineno)
            if len(cols) < min_cols:
                raise DataError("ft_data_columns", where=where, n=min_cols, found=len(cols))
            if not cols[0].strip():
                raise DataError("ft_data_empty_text", where=where)
            texts.append(cols[0])
            rows.append(_parse_ids(cols[1], n_labels, offset, where))
    if not texts:
        raise DataError("ft_data_no_rows", path=str(path))
    return texts, rows


def _goemotions_dir(folder: Path, split: str) -> MultiLabelSplit:
    names_file = folder / "emotions.txt"
    if not names_file.is_file():
        raise DataError("ft_data_no_names", folder=str(folder))
    names = [n.strip() for n in names_file.read_text(encoding="utf-8").splitlines() if n.strip()]
    path = folder / f"{split}.tsv"
    if not path.is_file():
        raise DataError("ft_data_no_split_file", path=str(path), folder=str(folder))
    texts, rows = _read_id_tsv(path, len(names), 0, 3)
    return _make(texts, rows, names, str(path))


def _goemotions_hub(split: str) -> MultiLabelSplit:
    try:
        import datasets  # lazy: only for online use
    except ImportError as exc:
        raise DataError("ft_data_needs_datasets") from exc
    hub_split = {"dev": "validation"}.get(split, split)
    try:
        ds = datasets.load_dataset(GOEMOTIONS_HUB_ID, "simplified", split=hub_split)
    except Exception as exc:  # noqa: BLE001 - network and cache errors come in many types
        raise DataError("ft_data_hub_failed", hub_id=GOEMOTIONS_HUB_ID, split=split, error=str(exc)[:300]) from exc
    names = ds.features["labels"].feature.names
    return _make(list(ds["text"]), list(ds["labels"]), names, f"{GOEMOTIONS_HUB_ID}:{hub_split}")


def _labels_field(value, where: Msg) -> list[str]:
    if isinstance(value, str):
        sep = "|" if "|" in value else ","
        out = [v.strip() for v in value.split(sep)]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        out = [v.strip() for v in value]
    else:
        raise DataError("ft_data_labels_type", where=where, type=type(value).__name__)
    if not out or any(not v for v in out):
        raise DataError("ft_data_empty_label", where=where, value=repr(value))
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
                    raise DataError("ft_data_bad_json", where=_where(path, lineno), error=exc.msg,
                                    example=_JSON_EXAMPLE) from exc
                if not isinstance(rec, dict):
                    raise DataError("ft_data_not_object", where=_where(path, lineno), type=type(rec).__name__)
                yield lineno, rec
    else:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"text", "labels"} - set(reader.fieldnames or [])
            if missing:
                raise DataError("ft_data_header", where=_where(path, 1), missing=sorted(missing))
            for rec in reader:
                yield reader.line_num, rec


def _read_text_labels(path: Path):
    texts, raw = [], []
    for lineno, rec in _records(path):
        where = _where(path, lineno)
        for key in ("text", "labels"):
            if rec.get(key) is None:
                raise DataError("ft_data_missing_field", where=where, field=key)
        if not isinstance(rec["text"], str) or not rec["text"].strip():
            raise DataError("ft_data_empty_text", where=where)
        texts.append(rec["text"])
        raw.append((where, _labels_field(rec["labels"], where)))
    if not texts:
        raise DataError("ft_data_no_rows", path=str(path))
    return texts, raw


def _text_labels(texts, raw, label_names, source) -> MultiLabelSplit:
    names = list(label_names) if label_names else sorted({n for _, ls in raw for n in ls})
    index = {n: i for i, n in enumerate(names)}
    rows = []
    for where, ls in raw:
        unknown = [n for n in ls if n not in index]
        if unknown:
            raise DataError("ft_data_unknown_label", where=where, unknown=unknown, known=names)
        rows.append([index[n] for n in ls])
    return _make(texts, rows, names, source)


def _family(path: Path, split: str) -> tuple[Path, Path]:
    """(the split's sibling file, the family's whole file): d.csv, d.train.csv, ... share the stem ``d``."""
    stem = path.stem
    for s in SPLITS:
        if stem.endswith(f".{s}"):
            stem = stem[: -len(s) - 1]
    return path.with_name(f"{stem}.{split}{path.suffix}"), path.with_name(f"{stem}{path.suffix}")


def _one_file(path: Path, split: str, label_names) -> MultiLabelSplit:
    sibling, whole = _family(path, split)
    target = sibling if sibling.is_file() else whole
    if not target.is_file():
        raise DataError("ft_data_no_file", split=split, sibling=str(sibling), path=str(whole))
    keep, source = None, str(target)
    if target == whole:
        source = f"{target} ({split}: seeded 80/10/10 split, seed {SPLIT_SEED})"
    if path.suffix.lower() == ".tsv":
        texts, rows = _read_id_tsv(target, len(XED_LABELS), 1, 2)
        keep = _part(len(texts), split, target) if target == whole else range(len(texts))
        return _align(_make([texts[i] for i in keep], [rows[i] for i in keep], XED_LABELS, source), label_names)
    texts, raw = _read_text_labels(target)
    names = label_names or sorted({n for _, ls in raw for n in ls})  # the whole file's: every part, same columns
    keep = _part(len(texts), split, target) if target == whole else range(len(texts))
    return _text_labels([texts[i] for i in keep], [raw[i] for i in keep], names, source)


def load_dataset(source: str, split: str = "train", label_names=None) -> MultiLabelSplit:
    """Read one split of a multi-label dataset, columns ``label_names`` when given (see the module docstring)."""
    split = _split_name(split)
    src = str(source).strip()
    if src in {GOEMOTIONS_HUB_ID, "go_emotions", "goemotions"} and not Path(src).exists():
        return _align(_goemotions_hub(split), label_names)
    path = Path(src).expanduser()
    if path.is_dir():
        return _align(_goemotions_dir(path, split), label_names)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".ndjson", ".json", ".tsv"}:
        if not path.exists():
            raise DataError("ft_data_not_found", source=src, hub_id=GOEMOTIONS_HUB_ID)
        raise DataError("ft_data_file_type", path=str(path), suffix=path.suffix)
    if not path.is_file() and not any(_family(path, s)[0].is_file() for s in SPLITS):
        raise DataError("ft_data_not_found", source=src, hub_id=GOEMOTIONS_HUB_ID)
    return _one_file(path, split, label_names)
