"""Toy multi-label data written for these tests: money / water sentences in the tiny English vocabulary.

The three splits are separate sibling files (``toy.train.jsonl``, ``toy.dev.jsonl``,
``toy.test.jsonl``) with different sentences, so no test reads one row as train and test.
"""

from __future__ import annotations

import json
from pathlib import Path

TRAIN = {
    "money": ["the bank raised interest rates", "my loan and deposit", "the bank opened an account",
              "interest rates on money", "our money in the bank", "loans and deposit rates"],
    "water": ["the river shore was muddy", "a fish near the water", "the boat on the river",
              "water along the shore", "we walked along the river", "fish in muddy water"],
    "money|water": ["the bank of the river"],
}
DEV = {
    "money": ["the bank raised loan rates", "deposit money in the bank", "interest on my loan"],
    "water": ["fish in the river", "a boat near the shore", "muddy water along the river"],
    "money|water": ["money in the river"],
}
TEST = {
    "money": ["loans from the bank", "my deposit and interest"],
    "water": ["the shore of the river", "fish near the boat"],
    "money|water": ["the bank near the water"],
}


def rows(table: dict[str, list[str]]) -> list[dict]:
    return [{"text": text, "labels": labels.split("|")} for labels, texts in table.items() for text in texts]


def texts(table: dict[str, list[str]]) -> list[str]:
    return [r["text"] for r in rows(table)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_toy(folder: Path, dev: dict | None = None) -> str:
    """Write the three sibling files into ``folder``; return the family path ``folder/toy.jsonl`` (not a file)."""
    for split, table in (("train", TRAIN), ("dev", dev or DEV), ("test", TEST)):
        write_jsonl(folder / f"toy.{split}.jsonl", rows(table))
    return str(folder / "toy.jsonl")
