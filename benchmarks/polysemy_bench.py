"""Polysemy benchmark: how faithful the maps are, and how long a class waits.

1. Map quality, on real minilm and the eight English built-in sets: the trustworthiness
   (``sklearn.manifold.trustworthiness``, cosine metric, 5 neighbours) of every layer's 2-D map
   against that layer's own high-dimensional neighbours, for the app's scheme (last layer first,
   the others initialised from it and Procrustes-aligned), for umap-learn's ``AlignedUMAP`` and for
   independent per-layer fits (no alignment: the reference for "does aligning bias a layer?"); how
   far points move between adjacent layers (relative to the map's radius: what the slider shows);
   and the seconds each scheme takes per set.
2. Start-up, in fresh processes sharing one empty numba cache directory: UMAP import + first fit,
   cold (compiling) and warm (the second process, kernels from the disk cache); and "ready"
   (build the app, load minilm and the classifier, compile UMAP: what ``python app.py`` does before
   it listens) on the first and the second start.
3. Requests, as a student sees them after "ready": the app in-process on loopback, the first
   ``/polysemy`` call (bank set, nothing cached but the model), then later calls moving the layer
   (median), and the size of one answer.

    python benchmarks/polysemy_bench.py                 # everything (several minutes on 2 cores)
    python benchmarks/polysemy_bench.py --skip-startup  # 1 and 3 only

Prints one markdown table and writes benchmarks/results/polysemy.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHEMES = ("app", "aligned_umap", "independent")
FIRST_FIT = """
import time, numpy as np
started = time.perf_counter()
from components.polysemy import projection
projection.warm_up()
print(time.perf_counter() - started)
"""
READY = """
import time
started = time.perf_counter()
from components.cli.serve import warm_up
from components.core.services import AppConfig, Services
from components.ui.shell import build_demo
services = Services(AppConfig(models=("minilm",), warm_up=True))
build_demo(services)
warm_up(services)
print(time.perf_counter() - started)
"""



def in_fresh_process(code: str, numba_dir: Path) -> tuple[float, float]:
    """(seconds the code measured itself, wall seconds of the whole process) in a new Python process."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_dir), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    return round(float(out.stdout.strip().splitlines()[-1]), 2), round(wall, 2)


def map_quality(max_sets: int | None = None) -> dict:
    from sklearn.manifold import trustworthiness

    from components.core.models import load_model
    from components.polysemy import projection
    from components.polysemy.numba_cache import import_umap
    from components.polysemy.sets import builtin_sets
    from components.polysemy.study import study

    umap = import_umap()
    projection.warm_up()
    model = load_model("minilm")
    result = {scheme: {"trust": [], "movement": [], "seconds": []} for scheme in SCHEMES}
    english = [(key, chosen) for key, chosen in builtin_sets().items() if chosen.language == "en"]
    for key, chosen in english[:max_sets]:
        stack = study(model, chosen.as_text(), chosen.target, None, glove=None).stack
        layers = range(stack.shape[1])
        n = len(stack)
        timings, maps = {}, {}
        started = time.perf_counter()
        maps["app"] = [projection.project_layer(stack, layer).coords for layer in layers]
        timings["app"] = time.perf_counter() - started
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            aligned = umap.AlignedUMAP(n_neighbors=min(10, n - 1), min_dist=0.3, metric="cosine",
                                       random_state=projection.SEED, n_epochs=200)
            aligned.fit([stack[:, layer] for layer in layers], relations=[{i: i for i in range(n)}] * (len(layers) - 1))
        maps["aligned_umap"] = [np.asarray(e, dtype=np.float64) for e in aligned.embeddings_]
        timings["aligned_umap"] = time.perf_counter() - started
        started = time.perf_counter()
        maps["independent"] = [projection.project(stack[:, layer]).coords for layer in layers]
        timings["independent"] = time.perf_counter() - started
        for scheme in SCHEMES:
            result[scheme]["trust"].append([trustworthiness(stack[:, layer], maps[scheme][layer], n_neighbors=5,
                                                            metric="cosine") for layer in layers])
            result[scheme]["movement"].append(projection.movement(maps[scheme]))
            result[scheme]["seconds"].append(timings[scheme])
        print(f"  {key}: " + ", ".join(f"{s} {np.mean(result[s]['trust'][-1]):.3f} ({timings[s]:.1f}s)"
                                       for s in SCHEMES), flush=True)
    summary = {}
    for scheme, values in result.items():
        trust = np.array(values["trust"])
        summary[scheme] = {"per_layer": np.round(trust.mean(axis=0), 3).tolist(),
                           "mean": round(float(trust.mean()), 3), "min": round(float(trust.min()), 3),
                           "movement": round(float(np.mean(values["movement"])), 2),
                           "seconds_per_set": round(float(np.median(values["seconds"])), 2)}
    return {"sets": len(english[:max_sets]), "schemes": summary}


def requests(repeats: int) -> dict:
    from gradio_client import Client

    from components.cli.serve import warm_up
    from components.core.cache import clear_all
    from components.core.services import AppConfig, Services
    from components.polysemy.sets import builtin_sets
    from components.ui.serving import launch

    clear_all()  # nothing the map-quality part computed may serve these requests
    services = Services(AppConfig(models=("minilm",), default_model="minilm", warm_up=True))
    warm_up(services)
    demo = launch(services)
    client = Client(demo.local_url, verbose=False)
    bank = builtin_sets()["bank"].as_text()

    def call(layer: int) -> tuple[float, tuple]:
        started = time.perf_counter()
        out = client.predict("bank", bank, "bank", "", "base", layer, "minilm", api_name="/polysemy")
        return time.perf_counter() - started, out

    first, out = call(6)
    payload = sum(len(json.dumps(part)) for part in out[:6])
    later = [call(layer)[0] for layer in [3, 6, 0, 4, 2, 5, 1, 6, 3][:repeats]]
    demo.close()
    return {"first_s": round(first, 3), "later_p50_s": round(statistics.median(later), 3),
            "later_max_s": round(max(later), 3), "later_calls": len(later), "payload_kb": round(payload / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9, help="later /polysemy calls to time (default 9)")
    parser.add_argument("--skip-startup", action="store_true", help="skip the fresh-process start-up timings")
    parser.add_argument("--sets", type=int, default=None, help="map quality on the first N English sets (default all)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    result = {"machine": f"{os.cpu_count()} CPU cores", "load_average_1min_at_start": round(os.getloadavg()[0], 2)}
    if not args.skip_startup:
        with tempfile.TemporaryDirectory() as tmp:
            numba_dir = Path(tmp) / "numba"
            cold, warm = in_fresh_process(FIRST_FIT, numba_dir), in_fresh_process(FIRST_FIT, numba_dir)
            ready_first = in_fresh_process(READY, Path(tmp) / "numba-ready")
            ready_second = in_fresh_process(READY, Path(tmp) / "numba-ready")
        result["startup"] = {"umap_import_first_fit_cold_s": cold[0], "umap_import_first_fit_warm_s": warm[0],
                             "ready_first_start_s": ready_first[0], "ready_second_start_s": ready_second[0],
                             "process_wall_second_start_s": ready_second[1]}
        print(json.dumps(result["startup"]), flush=True)
    print("map quality (real minilm, English built-in sets):", flush=True)
    result["maps"] = map_quality(args.sets)
    result["requests"] = requests(args.repeats)
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(table(result))
    from benchmarks.common import result_path

    out = Path(args.out) if args.out else result_path("polysemy")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def table(result: dict) -> str:
    schemes = result["maps"]["schemes"]
    layers = len(schemes["app"]["per_layer"])
    lines = ["| scheme | " + " | ".join(f"layer {i}" for i in range(layers)) + " | mean | min | movement | s per set |",
             "|---|" + "---|" * (layers + 4)]
    names = {"app": "app: last layer first, others from it + Procrustes", "aligned_umap": "umap-learn AlignedUMAP",
             "independent": "independent fits (no alignment)"}
    for scheme, row in schemes.items():
        lines.append(f"| {names[scheme]} | " + " | ".join(f"{v:.3f}" for v in row["per_layer"])
                     + f" | {row['mean']:.3f} | {row['min']:.3f} | {row['movement']:.2f}"
                     + f" | {row['seconds_per_set']:.2f} |")
    lines += ["", "| measure (seconds, unless named otherwise) | value |", "|---|---|"]
    for key, value in {**result.get("startup", {}), **result["requests"]}.items():
        lines.append(f"| {key} | {value} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
