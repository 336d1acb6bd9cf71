"""`python app.py explain`: per-token attributions of one label, as the Explain tab computes them.

    python app.py explain "Thank you so much!" --json
    python app.py explain "Thank you so much!" --label joy --method gradxinput --json
    python app.py explain --input texts.jsonl --steps 64 --json      # lines: {"text": ..., "label": ...}

Design decision: the command returns the tab's own record (``Explanation.as_json``): ``tokens`` in
WordPiece spelling with [CLS]/[SEP], ``attributions`` aligned with them, ``prob`` and ``baseline_prob``
the explained score of the text and of the baseline, and ``completeness_gap`` = (sum of attributions -
(prob - baseline_prob)) / |prob - baseline_prob| (null when the two are equal). Lines of ``--input`` are
handled as in ``predict``: the classifier loads once, one JSON object per line, in order.
"""

from __future__ import annotations

import argparse

from components.cli.predict import add_common, run_lines

__all__ = ["register"]


def cmd_explain(args: argparse.Namespace) -> int:
    from components.core.classifier import load_classifier
    from components.explain.compute import explain

    def compute(text: str, label: str | None):
        result = explain(load_classifier(args.classifier), text, label, args.method, "probability", args.steps)
        return result.as_json(text), result.warnings()

    def show(record: dict) -> str:
        gap = "n/a" if record["completeness_gap"] is None else f"{record['completeness_gap']:+.2%}"
        lines = [f"{record['label']}: {record['prob']:.4f} (baseline {record['baseline_prob']:.4f}, "
                 f"completeness gap {gap})"]
        lines += [f"  {token:16s} {score:+.4f}" for token, score in zip(record["tokens"], record["attributions"])]
        return "\n".join(lines)

    return run_lines(args, compute, show)


METHODS = ("ig", "gradxinput")  # components.explain.compute.METHODS, without importing torch to build --help
DEFAULT_STEPS = 32


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "explain", help="per-token attributions of one label (the Explain tab's numbers)",
        description='Prints {"text", "label", "prob", "baseline_prob", "completeness_gap", "tokens", '
                    '"attributions"} per text. Without --label, the top label is explained.')
    add_common(parser)
    parser.add_argument("--label", default=None, help="the label to explain (default: the top label)")
    parser.add_argument("--method", choices=METHODS, default="ig",
                        help="ig (Integrated Gradients, default) or gradxinput (gradient x input)")
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help=f"IG steps (default {DEFAULT_STEPS})")
    parser.set_defaults(func=cmd_explain)
    return parser
