"""Evaluate benchmark: rows per second when the app evaluates an uploaded file on minilm (the shipped classifier),
against a raw batched forward of the same rows.

    nice -n 10 python benchmarks/evaluate_bench.py [--quick]

The upload is the first N rows of ../shared/data/goemotions/test.tsv written as a CSV (N = 5,000, the app's row
cap; 500 with --quick). "evaluate" is what the panel runs: read_table on the file's bytes, evaluate_texts
(length-sorted batches of 64, the classifier's max_length 64) and per_label_metrics. "raw forward" is the
encoder and head on the same texts in file order, batches of 64 padded to 64 tokens, nothing else. Writes
benchmarks/results/evaluate.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO.parent / "shared" / "data" / "goemotions"


def upload_bytes(n: int) -> bytes:
    names = (DATA / "emotions.txt").read_text(encoding="utf-8").split()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "labels"])
    with (DATA / "test.tsv").open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == n:
                break
            text, ids = line.rstrip("\n").split("\t")[:2]
            writer.writerow([text, "|".join(names[int(j)] for j in ids.split(","))])
    return out.getvalue().encode("utf-8")


def run(quick: bool = False) -> dict:
    import torch

    from components.core.classifier import load_classifier
    from components.evaluate.compute import evaluate_texts, per_label_metrics
    from components.evaluate.reader import read_table

    n = 500 if quick else 5_000
    data = upload_bytes(n)
    clf = load_classifier()
    evaluate_texts(clf, ["warm up"], [[0] * len(clf.labels)])
    start = time.perf_counter()
    table = read_table(data, "class.csv", clf.labels)
    ev = evaluate_texts(clf, table.texts, table.targets)
    m = per_label_metrics(ev.targets, ev.preds, ev.labels, ev.thresholds)
    app_s = time.perf_counter() - start
    tok, model = clf.model.tokenizer, clf.model
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(table.texts), 64):
            enc = tok(list(table.texts[i:i + 64]), truncation=True, max_length=64, padding="max_length",
                      return_tensors="pt")
            model.run(enc["input_ids"], enc["attention_mask"])
    raw_s = time.perf_counter() - start
    return {"benchmark": "evaluate", "quick": quick, "rows": len(table), "classifier": "shipped (minilm, lora)",
            "torch_threads": torch.get_num_threads(), "evaluate_seconds": round(app_s, 2),
            "evaluate_rows_per_second": round(len(table) / app_s, 1), "raw_forward_seconds": round(raw_s, 2),
            "raw_forward_rows_per_second": round(len(table) / raw_s, 1), "macro_f1": round(m["macro_f1"], 4),
            "micro_f1": round(m["micro_f1"], 4)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 rows instead of 5,000")
    result = run(quick=parser.parse_args().quick)
    from benchmarks.common import result_path

    out = result_path("evaluate")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
