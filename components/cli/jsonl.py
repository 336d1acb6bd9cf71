"""Reading the CLI's JSON-lines inputs: one object per non-blank line, every error naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["read_objects"]


def read_objects(path: Path, fields: tuple[str, ...], nothing: str) -> list[tuple[str, int, dict]]:
    """(where, line number, object) for each non-blank line holding an object with ``fields``;
    ValueError names the bad line, or says ``nothing`` when there are no lines."""
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    objects = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: invalid JSON ({exc.msg}).") from None
        if not isinstance(item, dict) or not set(fields) <= set(item):
            shape = "{" + ", ".join(f'"{f}": ...' for f in fields) + "}"
            raise ValueError(f"{where}: expected an object {shape}.")
        objects.append((where, number, item))
    if not objects:
        raise ValueError(f"{path}: {nothing}")
    return objects
