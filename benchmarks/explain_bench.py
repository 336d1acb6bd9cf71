"""Explain benchmark: faithfulness (deletion AOPC), IG's completeness gap, and speed, on the shipped classifier.

    nice -n 10 python benchmarks/explain_bench.py [--n 200] [--steps 32] [--repeats 7] [--threads 1]

Faithfulness: for N GoEmotions test sentences (a seeded sample of ../shared/data/goemotions/test.tsv with at
least 4 word tokens) the top label is explained; the k = 1, 2, 3 tokens ranked highest by each method are
replaced by [MASK] and the drop of that label's probability is measured. Rankings: Integrated Gradients and
gradient x input (highest attribution first: the tokens that push the label up), attention rollout from [CLS]
(highest first) and random (the mean of 10 draws). AOPC = 1/(K+1) * sum over k = 0..K of the mean drop
(Samek et al. 2017; the k = 0 term is 0). Completeness: |gap| of IG at ``--steps`` on the same sentences.
Speed: one forward pass of the classifier on a 32-token sentence against IG (``--steps``, batched), gradient x
input and the full head scan (L x H + 1 rows), medians of ``--repeats`` runs, caches of explanations cleared
(the text's own pass stays: Explain reads the prediction already made), ``--threads`` torch threads (1 = what
one request gets with the default --concurrency 2 on two cores). IG's *floor* is what no IG can skip: one
batched forward + backward of the ``--steps`` interpolated inputs through the classifier; IG and its floor
are timed in turn (IG, floor, IG, ...) in the same run, and ``ig_vs_floor`` is the ratio of their medians.
Prints one markdown table and writes benchmarks/results/explain.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from components.core.analysis import analyze  # noqa: E402
from components.core.classifier import load_classifier, probabilities  # noqa: E402
from components.explain import ablation, compute  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from attention_bench import median_ms, sentence  # noqa: E402

from benchmarks.common import in_turn  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "goemotions" / "test.tsv"
KS = (1, 2, 3)
RANDOM_DRAWS = 10
WORDS = ["thank", "you", "all", "so", "much", "for", "the", "kind", "words", "and", "help", "today"]


def sentences(classifier, n: int, seed: int) -> list[str]:
    rows = [row[0] for row in csv.reader(DATA.open(encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)]
    order = np.random.default_rng(seed).permutation(len(rows))
    picked = []
    for index in order:
        text = rows[index].strip()
        if len(classifier.model.tokenizer(text, add_special_tokens=False)["input_ids"]) >= 4:
            picked.append(text)
        if len(picked) == n:
            break
    return picked


def label_probability(classifier, analysis, rows: list[np.ndarray], label: int) -> np.ndarray:
    """The explained label's probability for each row of token ids (one batched pass)."""
    ids = torch.tensor(np.stack(rows))
    segments = torch.tensor(np.array(analysis.segment_ids))[None].repeat(len(rows), 1)
    with torch.inference_mode():
        logits, _, _ = classifier.model.run(ids, torch.ones_like(ids), segments)
    return probabilities(classifier, logits)[:, label]


def deletion_drops(classifier, text: str, steps: int, rng: np.random.Generator) -> tuple[dict, float | None]:
    """{method: [drop at k=1, 2, 3]} for one sentence, and IG's completeness gap."""
    ig = compute.explain(classifier, text, None, "ig", "probability", steps)
    gxi = compute.explain(classifier, text, None, "gradxinput")
    analysis = ig.analysis
    words = np.flatnonzero(~analysis.special)
    rollout = compute.attention_comparison(ig).rollout
    ranked = {"ig": ig.attributions, "gradxinput": gxi.attributions, "rollout": rollout}
    mask_id = classifier.model.tokenizer.mask_token_id
    rows, keys = [np.array(analysis.input_ids)], []
    orders = {name: words[np.argsort(-scores[words], kind="stable")] for name, scores in ranked.items()}
    orders.update({f"random{d}": rng.permutation(words) for d in range(RANDOM_DRAWS)})
    for name, order in orders.items():
        for k in KS:
            row = np.array(analysis.input_ids)
            row[order[:k]] = mask_id
            rows.append(row)
            keys.append((name, k))
    probs = label_probability(classifier, analysis, rows, ig.label_index)
    drops = {(name, k): probs[0] - p for (name, k), p in zip(keys, probs[1:])}
    out = {name: [drops[(name, k)] for k in KS] for name in ranked}
    out["random"] = [float(np.mean([drops[(f"random{d}", k)] for d in range(RANDOM_DRAWS)])) for k in KS]
    return out, ig.gap


def sentence_of(classifier, n_tokens: int) -> str:
    return sentence(classifier.model, n_tokens, WORDS)


def floor_of(classifier, analysis, steps: int):
    """One batched forward + backward of the ``steps`` interpolated inputs (IG's unavoidable work)."""
    model = classifier.model
    ids = torch.tensor(np.array(analysis.input_ids))[None]
    mask, segments = torch.ones_like(ids), torch.tensor(np.array(analysis.segment_ids))[None]
    words = model.encoder.embeddings.word_embeddings
    with torch.no_grad():
        embeds = words(ids)
        start = words(torch.as_tensor(compute.baseline_ids(analysis, model.tokenizer.pad_token_id or 0))[None])
    score = compute.score_function(classifier.activation, "probability", 0)
    alphas = torch.linspace(0, 1, steps)[:, None, None]

    def floor() -> None:
        path = (start + alphas * (embeds - start)).requires_grad_(True)
        out = score(compute.logits_from_embeddings(model, path, mask.expand(steps, -1), segments.expand(steps, -1)))
        torch.autograd.grad(out.sum(), path)

    return floor


def speed(classifier, steps: int, repeats: int) -> dict[str, float]:
    text = sentence_of(classifier, 32)
    analysis = analyze(classifier.model, text, max_length=classifier.max_length)
    assert analysis.n_tokens == 32
    ids = torch.tensor(np.array(analysis.input_ids))[None]

    def forward() -> None:
        with torch.inference_mode():
            classifier.model.run(ids, torch.ones_like(ids))

    def attribute(method: str):
        def run() -> None:
            compute._explanations.clear()
            compute.explain(classifier, text, None, method, "probability", steps)
        return run

    def scan() -> None:
        ablation._scans.clear()
        ablation.scan(classifier, analysis, 0)

    ig, floor = in_turn(attribute("ig"), floor_of(classifier, analysis, steps), repeats)
    return {"forward": median_ms(forward, repeats), "ig": ig, "ig_floor": floor,
            "gradxinput": median_ms(attribute("gradxinput"), repeats), "scan": median_ms(scan, repeats)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="GoEmotions test sentences (default 200)")
    parser.add_argument("--steps", type=int, default=compute.DEFAULT_STEPS)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    classifier = load_classifier()
    rng = np.random.default_rng(args.seed)
    texts = sentences(classifier, args.n, args.seed)
    per_method: dict[str, list[list[float]]] = {}
    gaps = []
    for text in texts:
        drops, gap = deletion_drops(classifier, text, args.steps, rng)
        for name, values in drops.items():
            per_method.setdefault(name, []).append(values)
        if gap is not None:
            gaps.append(abs(gap))
    mean_drop = {name: np.mean(values, axis=0).tolist() for name, values in per_method.items()}
    aopc = {name: float(sum(drops) / (len(KS) + 1)) for name, drops in mean_drop.items()}
    timing = speed(classifier, args.steps, args.repeats)
    gaps_array = np.array(gaps)
    result = {
        "sentences": len(texts), "steps": args.steps, "threads": args.threads, "seed": args.seed,
        "mean_drop": mean_drop, "aopc": aopc, "aopc_vs_random": {k: v / aopc["random"] for k, v in aopc.items()},
        "completeness_gap_median": float(np.median(gaps_array)),
        "completeness_gap_within_5pct": float((gaps_array <= 0.05).mean()), "completeness_gaps_defined": len(gaps),
        "speed_ms": timing, "speed_x_forward": {k: v / timing["forward"] for k, v in timing.items()},
        "ig_vs_floor": timing["ig"] / timing["ig_floor"],
        "torch": torch.__version__,
    }
    names = {"ig": f"Integrated Gradients ({args.steps} steps)", "gradxinput": "gradient × input",
             "rollout": "attention rollout from [CLS]", "random": f"random (mean of {RANDOM_DRAWS} draws)"}
    print(f"Faithfulness on {len(texts)} GoEmotions test sentences, shipped classifier, top label; "
          "drop of its probability when the top-k tokens become [MASK]:\n")
    print("| ranking | drop k=1 | drop k=2 | drop k=3 | AOPC | × random |")
    print("|---|---|---|---|---|---|")
    for key, name in names.items():
        d = mean_drop[key]
        print(f"| {name} | {d[0]:.3f} | {d[1]:.3f} | {d[2]:.3f} | {aopc[key]:.3f} | "
              f"{result['aopc_vs_random'][key]:.1f} |")
    print(f"| IG completeness gap, median at {args.steps} steps | {result['completeness_gap_median']:.2%} "
          f"| ≤ 5%: {result['completeness_gap_within_5pct']:.0%} of {len(gaps)} | | | |")
    f = timing["forward"]
    print(f"| one forward pass, 32 tokens ({args.threads} thread) | {f:.1f} ms | 1× | | | |")
    print(f"| IG, {args.steps} steps, 32 tokens | {timing['ig']:.0f} ms | {timing['ig'] / f:.0f}× | | | |")
    print(f"| its floor: one batched forward + backward of the {args.steps} steps | {timing['ig_floor']:.0f} ms | "
          f"{timing['ig_floor'] / f:.0f}× | IG ÷ floor | {result['ig_vs_floor']:.2f}× | |")
    print(f"| gradient × input, 32 tokens | {timing['gradxinput']:.0f} ms | {timing['gradxinput'] / f:.1f}× | | | |")
    print(f"| head scan, 72 heads + 1 rows, 32 tokens | {timing['scan']:.0f} ms | {timing['scan'] / f:.0f}× | | | |")
    from benchmarks.common import result_path

    out = result_path("explain")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
