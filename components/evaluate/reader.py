"""The sentences an evaluation reads: the class's own data, a CSV/TSV (header with ``text`` and ``labels``) or
JSONL file, read from bytes; or a seeded sample of the GoEmotions test split.

Design decision: the reader takes the upload's *bytes* (never a path kept on the server) and
checks the byte cap before decoding or parsing, so an oversized file costs nothing; labels are
names or ids (0-based, in the classifier's order) joined by ``,`` ``;`` or ``|``, matched to the
classifier's own labels, and an unknown one is refused with the closest known name (difflib).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.core.messages import Msg, UserError
from components.core.text import normalize_text

__all__ = ["MAX_BYTES", "MAX_ROWS", "TEST", "UPLOAD", "Table", "evaluation_data", "read_table"]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
GOEMOTIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "goemotions"
TEST_SAMPLE = 1_000  # rows of the GoEmotions test split, seeded: a minute at most on a class's server
TEST, UPLOAD = "test", "upload"
_SPLIT = re.compile(r"[,;|]")
_JSON_EXAMPLE = '{"text": "...", "labels": ["joy"]}'


@dataclass(frozen=True, eq=False)
class Table:
    texts: tuple[str, ...]
    targets: np.ndarray  # [N, C] uint8, columns = the classifier's labels
    label_names: tuple[str, ...]
    source: str

    def __len__(self) -> int:
        return len(self.texts)


def _label_ids(value, labels: tuple[str, ...], line: int) -> list[int]:
    parts = value if isinstance(value, list) else _SPLIT.split(str(value or ""))
    index = {n: i for i, n in enumerate(labels)}
    out = []
    for raw in parts:
        name = str(raw).strip()
        if not name:
            continue
        if name.isdigit() and int(name) < len(labels):
            out.append(int(name))
        elif name in index or name.lower() in index:
            out.append(index.get(name, index.get(name.lower())))
        else:
            close = difflib.get_close_matches(name.lower(), labels, n=1)
            raise UserError("ev_unknown_label", line=line, label=name[:60],
                            closest=close[0] if close else Msg("ev_unknown_label_none"))
    return out


def _records(text: str, name: str):
    """(line, text, labels) from JSONL (by suffix or a first line starting with '{') or CSV/TSV."""
    first = text.lstrip()[:1]
    if name.lower().endswith((".jsonl", ".ndjson", ".json")) or first == "{":
        for line, row in enumerate(text.splitlines(), 1):
            if not row.strip():
                continue
            try:
                rec = json.loads(row)
            except json.JSONDecodeError as exc:
                raise UserError("ev_not_table", why=f"line {line}: {exc.msg}", example=_JSON_EXAMPLE) from exc
            if not isinstance(rec, dict):
                raise UserError("ev_not_table", why=f"line {line}", example=_JSON_EXAMPLE)
            if "text" not in rec or "labels" not in rec:
                raise UserError("ev_no_columns", found=sorted(str(k)[:40] for k in rec)[:20] or ["-"])
            yield line, rec["text"], rec["labels"]
        return
    delimiter = "\t" if name.lower().endswith(".tsv") or "\t" in text.splitlines()[0] else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        fields = [str(f).strip() for f in reader.fieldnames or []]
        reader.fieldnames = fields
        if "text" not in fields or "labels" not in fields:
            raise UserError("ev_no_columns", found=[f[:40] for f in fields][:20] or ["-"])
        for rec in reader:
            yield reader.line_num, rec.get("text"), rec.get("labels")
    except csv.Error as exc:
        raise UserError("ev_not_table", why=str(exc)[:100], example=_JSON_EXAMPLE) from exc


def read_table(data: bytes, name: str, labels, max_rows: int | None = MAX_ROWS,
               max_bytes: int | None = MAX_BYTES) -> Table:
    """Every row of an uploaded file, aligned to ``labels``; ``UserError`` (ev_ keys) for each bad input."""
    labels = tuple(labels)
    if max_bytes is not None and len(data) > max_bytes:  # before decoding or parsing anything
        raise UserError("ev_too_large", size=len(data), limit=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError("ev_not_utf8", at=exc.start) from exc
    if not text.strip():
        raise UserError("ev_empty")
    if "\x00" in text:
        raise UserError("ev_not_table", why="binary data", example=_JSON_EXAMPLE)
    texts, rows = [], []
    for line, raw_text, raw_labels in _records(text, name):
        if max_rows is not None and len(texts) >= max_rows:
            raise UserError("ev_too_many_rows", limit=max_rows)
        clean = normalize_text(raw_text) if isinstance(raw_text, str) else ""
        if not clean:
            raise UserError("ev_empty_text", line=line)
        texts.append(clean)
        rows.append(_label_ids(raw_labels, labels, line))
    if not texts:
        raise UserError("ev_no_rows")
    targets = np.zeros((len(texts), len(labels)), dtype=np.uint8)
    for i, ids in enumerate(rows):
        targets[i, ids] = 1
    return Table(tuple(texts), targets, labels, name)


def evaluation_data(source: str, file: str | None, labels) -> tuple[tuple[str, ...], np.ndarray, str | None]:
    """(texts, targets, the file's name) to evaluate: the uploaded file (``UPLOAD``; its size checked before
    a byte is read) or a seeded sample of the GoEmotions test split (``TEST``; no name)."""
    if source == UPLOAD:
        if not file:
            raise UserError("ev_no_file")
        if os.path.getsize(file) > MAX_BYTES:  # before reading a byte
            raise UserError("ev_too_large", size=os.path.getsize(file), limit=MAX_BYTES)
        table = read_table(Path(file).read_bytes(), Path(file).name, labels)
        return table.texts, table.targets, Path(file).name
    from components.finetune.data import load_dataset

    if not (GOEMOTIONS / "test.tsv").is_file():
        raise UserError("ev_no_data", path=str(GOEMOTIONS))
    ds = load_dataset(str(GOEMOTIONS), "test", label_names=labels).sample(TEST_SAMPLE, 42)
    return ds.texts, ds.targets, None
