"""Which layer's vectors? The BERT paper's feature-extraction table, redone for GoEmotions on minilm.

    python benchmarks/finetune_layers_bench.py [--data ../shared/data/goemotions] [--max-examples N]

For each layer spec of ``features.sweep`` (embeddings, every single layer, sum and concatenation
of the last four, sum of all layers) it trains ``python app.py train --method sklearn-lr
--layers SPEC`` (frozen mean-pooled features, one-vs-rest logistic regression, per-label
thresholds tuned on dev) and reads its test macro-F1 and micro-F1; beside them the fine-tuned
recipes' shipped training records (assets/finetune/records/{head,lora,full}.json). Features are
extracted once (cached under ~/.cache/bertlens/features) and shared by every spec; the table
says how long the extraction and each fit took. The last-layer classifier is also scored by
``evaluate`` (the app's own inference path) to show the recorded numbers are the ones it gives.
Prints one markdown table and writes benchmarks/results/finetune_layers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECORDS = ROOT / "assets" / "finetune" / "records"
RESULT = "finetune_layers"  # benchmarks.common.result_path(RESULT)
# CoNLL-2003 NER dev F1 of BERT-base's features (Devlin et al. 2019, table 7), for the row that asks the same question
PAPER = {"embeddings": ("Embeddings", 91.0), "second-to-last": ("Second-to-last hidden", 95.6),
         "last": ("Last hidden", 94.9), "sum:last4": ("Weighted sum last four hidden", 95.9),
         "concat:last4": ("Concat last four hidden", 96.1), "sum:all": ("Weighted sum all 12 layers", 95.5),
         "fine-tuned": ("Fine-tuning BERT-base", 96.4)}


def _paper_key(spec: str, num_layers: int) -> str | None:
    if spec == str(num_layers):
        return "last"
    if spec == str(num_layers - 1):
        return "second-to-last"
    return spec if spec in PAPER else None


def feature_rows(args, base, workdir: Path) -> tuple[list[dict], dict]:
    from components.finetune.features import sweep
    from components.finetune.train import TrainArgs, train

    rows, extraction = [], {}
    num_layers = base.config.num_hidden_layers
    for spec in args.specs or sweep(num_layers):
        result = train(TrainArgs(data=args.data, base=args.base, method="sklearn-lr", layers=spec,
                                 out=str(workdir / spec.replace(":", "-")), max_examples=args.max_examples,
                                 sklearn_c=args.sklearn_c, sklearn_max_iter=args.max_iter, progress=False))
        r = result.record
        if not extraction:  # the first spec pays for the extraction (unless an earlier run cached it)
            extraction = {"seconds": r["timing"]["feature_seconds"], "cached_before": r["timing"]["features_cached"],
                          "texts": r["data"]["n_train"] + r["data"]["n_dev"] + r["data"]["n_test"],
                          "max_length": r["arguments"]["max_length"]}
        paper = PAPER.get(_paper_key(spec, num_layers) or "", (None, None))
        rows.append({
            "kind": "feature-extraction", "method": "sklearn-lr", "spec": spec, **r["features"],
            "test_macro_f1": r["metrics"]["test"]["macro_f1"], "test_micro_f1": r["metrics"]["test"]["micro_f1"],
            "dev_macro_f1": r["metrics"]["dev"]["macro_f1"],
            "test_macro_f1_at_0.5": r["metrics"]["test_at_0.5"]["macro_f1"],
            "trained_parameters": r["parameters"]["trained"], "total_parameters": r["parameters"]["total"],
            "fit_seconds": r["timing"]["fit_seconds"], "size_bytes": r["size_bytes"],
            "lbfgs_max_iterations": max(r["sklearn"]["iterations"]), "converged": r["sklearn"]["converged"],
            "paper_row": paper[0], "paper_conll_dev_f1": paper[1], "classifier": str(result.out),
        })
        print(f"  {spec:14s} test macro-F1 {rows[-1]['test_macro_f1']:.4f}  fit {rows[-1]['fit_seconds']:.0f} s",
              file=sys.stderr)
    return rows, extraction


def recipe_rows(num_layers: int) -> list[dict]:
    rows = []
    for method in ("head", "lora", "full"):
        path = RECORDS / f"{method}.json"
        if not path.is_file():
            continue
        r = json.loads(path.read_text(encoding="utf-8"))
        fine_tuned = method in ("lora", "full")
        rows.append({
            "kind": "fine-tuning" if fine_tuned else "feature-extraction", "method": method,
            "spec": "last" if method == "head" else None,
            "layers": [num_layers] if method == "head" else None, "combine": "mean" if method == "head" else None,
            "test_macro_f1": r["metrics"]["test"]["macro_f1"], "test_micro_f1": r["metrics"]["test"]["micro_f1"],
            "dev_macro_f1": r["metrics"]["dev"]["macro_f1"],
            "test_macro_f1_at_0.5": r["metrics"]["test_at_0.5"]["macro_f1"],
            "trained_parameters": r["parameters"]["trained"], "total_parameters": r["parameters"]["total"],
            "wall_seconds": r["wall_seconds"], "size_bytes": r["size_bytes"],
            "paper_row": PAPER["fine-tuned"][0] if fine_tuned else None,
            "paper_conll_dev_f1": PAPER["fine-tuned"][1] if fine_tuned else None,
            "record": str(path.relative_to(ROOT)),
        })
    return rows


def evaluate_check(rows: list[dict], data: str, num_layers: int) -> dict:
    """The last-layer classifier scored by ``evaluate`` (the app's inference path) against its recorded score."""
    from components.cli.train import evaluate

    row = next((r for r in rows if r["spec"] in ("last", str(num_layers)) and r["method"] == "sklearn-lr"), None)
    if row is None:
        return {}
    start = time.perf_counter()
    m = evaluate(row["classifier"], data, "test")
    return {"spec": row["spec"], "recorded_test_macro_f1": row["test_macro_f1"],
            "evaluate_test_macro_f1": m["macro_f1"], "abs_difference": abs(m["macro_f1"] - row["test_macro_f1"]),
            "seconds": round(time.perf_counter() - start, 1)}


def table(result: dict) -> str:
    lines = ["| features / method | layers | test macro-F1 | test micro-F1 | trained params | time | BERT paper row "
             "(CoNLL-03 NER dev F1) |", "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        name = f"sklearn-lr `{r['spec']}`" if r["method"] == "sklearn-lr" else f"`{r['method']}` (record)"
        layers = ", ".join(map(str, r["layers"])) + f" ({r['combine']})" if r.get("layers") else "all, trained"
        seconds = r.get("fit_seconds", r.get("wall_seconds"))
        time_text = f"{seconds:.0f} s fit" if r["method"] == "sklearn-lr" else f"{seconds / 60:.1f} min"
        paper = f"{r['paper_row']} {r['paper_conll_dev_f1']}" if r.get("paper_row") else ""
        lines.append(f"| {name} | {layers} | {r['test_macro_f1']:.3f} | {r['test_micro_f1']:.3f} | "
                     f"{r['trained_parameters']:,} | {time_text} | {paper} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "goemotions"))
    parser.add_argument("--base", default="minilm")
    parser.add_argument("--specs", nargs="*", default=None, help="layer specs (default: the whole sweep)")
    parser.add_argument("--max-examples", type=int, default=None, help="train on N examples (quick runs)")
    parser.add_argument("--sklearn-c", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=1000)
    parser.add_argument("--keep", default=None, help="keep the classifiers in this directory (default: discard)")
    parser.add_argument("--no-evaluate-check", action="store_true")
    parser.add_argument("--cold", action="store_true",
                        help="extract into an empty temporary cache, so the extraction time is measured")
    args = parser.parse_args(argv)
    cold = tempfile.TemporaryDirectory() if args.cold else None
    if cold:
        os.environ["XDG_CACHE_HOME"] = cold.name

    import torch

    from components.core.models import load_model

    base = load_model(args.base)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep or tmp)
        rows, extraction = feature_rows(args, base, workdir)
        check = {} if args.no_evaluate_check else evaluate_check(rows, args.data, base.config.num_hidden_layers)
    for r in rows:
        r.pop("classifier")
    result = {
        "benchmark": "finetune_layers", "command": "python benchmarks/finetune_layers_bench.py" + (
            f" --max-examples {args.max_examples}" if args.max_examples else "") + (" --cold" if args.cold else ""),
        "data": Path(args.data).name, "base_model": args.base,
        "max_length": extraction.get("max_length"), "seed": 42,
        "max_examples": args.max_examples, "sklearn": {"solver": "lbfgs", "C": args.sklearn_c,
                                                       "max_iter": args.max_iter},
        "feature_extraction": extraction, "sweep_seconds": round(time.perf_counter() - start, 1),
        "evaluate_check": check, "rows": rows + recipe_rows(base.config.num_hidden_layers),
        "machine": {"arch": platform.machine(), "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                    "load_average": [round(x, 2) for x in os.getloadavg()], "torch": torch.__version__},
    }
    if cold:
        cold.cleanup()
    from benchmarks.common import result_path

    result_path(RESULT).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(table(result))
    print(f"\nfeatures: {extraction.get('texts', 0):,} texts in {extraction.get('seconds', 0):.0f} s "
          f"(cached before: {extraction.get('cached_before')}); sweep {result['sweep_seconds']:.0f} s; "
          f"evaluate check: {check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
