"""How long a person waits for a long Attention heatmap in the browser: a 512-token paste, a layer change, one head.

    nice -n 10 python benchmarks/browser_draw.py [--quick] [--tokens 512] [--repeats 5]

The app is served in-process as ``python app.py`` serves it (``components/ui/serving.py``: the lanes, one
torch thread per worker, warmed up) and Debian's Chromium (never a browser download) opens it headless
through Playwright at 1400x1000. In the Attention tab a sentence of ``--tokens`` pieces (minilm's 512
at most: [CLS] and [SEP] included) is typed, then, each timed from the click (or the slider's Enter)
until the new heatmap's cells are on screen (the plot's title names the new view, its heatmap holds
``tokens`` rows, and two animation frames have passed so the browser has painted):

1. **run**: the Run button (the forward on the server, the figure, its transfer and the draw);
2. **layer**: the layer slider moved (the redraw from the cached analysis, no forward);
3. **one head**: the view switched to one head.

The goal (issue 21, point 8): the 512-token heatmap and a layer change each drawn within 3 s. A run is a
fresh sentence each repeat (one word changed), so the server's cache never answers it. Medians of
``--repeats``; ``--quick``: 64 tokens, 1 repeat. Writes benchmarks/results/browser_draw.json.

Design decision: a benchmark, not a test (times are never asserted in tests: the machines are shared); it
drives the real page because what a class waits for is the browser's drawing as much as the server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.attention_bench import sentence  # noqa: E402
from benchmarks.common import result_path  # noqa: E402

TIMEOUT_MS = 120_000

# True once the plot shows a new heatmap (not the one drawn before the action: ``window.__blOld``) titled
# ``title`` with ``rows`` rows (T x T), after two animation frames.
DRAWN = """([title, rows]) => {
  const gd = document.querySelector('#attention-plot .js-plotly-plot');
  if (!gd || !gd._fullLayout || !gd._fullData || !gd._fullData.length) { return false; }
  const shown = document.querySelector('#attention-plot .gtitle');
  if (!shown || shown.textContent !== title) { return false; }
  const z = gd._fullData[0].z;
  if (!z || z.length !== rows || !gd.querySelector('.heatmaplayer image')) { return false; }
  if (z === window.__blOld) { return false; }
  if (window.__blFrames === undefined) {
    window.__blFrames = 0;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__blFrames = 2; }));
    return false;
  }
  if (window.__blFrames < 2) { return false; }
  window.__blFrames = undefined;
  return true;
}"""


STATE = """() => {
  const gd = document.querySelector('#attention-plot .js-plotly-plot');
  const shown = document.querySelector('#attention-plot .gtitle');
  return {title: shown && shown.textContent, rows: gd && gd._fullData && gd._fullData[0] && gd._fullData[0].z
          && gd._fullData[0].z.length,
          y1: gd && gd._fullData && gd._fullData[0] && (gd._fullData[0].y || [])[1],
          image: !!(gd && gd.querySelector('.heatmaplayer image')),
          note: (document.querySelector('#attention-note') || {}).innerText};
}"""


def timed(page, action, title: str, rows: int, settle: bool = False) -> float:
    """Seconds from ``action()`` until a new heatmap titled ``title`` with ``rows`` rows is painted (``settle``:
    the one on screen will do, to wait for an earlier redraw to finish)."""
    page.evaluate(f"""() => {{
      window.__blFrames = undefined;
      const gd = document.querySelector('#attention-plot .js-plotly-plot');
      window.__blOld = {'null' if settle else "gd && gd._fullData && gd._fullData[0] && gd._fullData[0].z"};
    }}""")
    started = time.perf_counter()
    action()
    try:
        page.wait_for_function(DRAWN, arg=[title, rows], timeout=TIMEOUT_MS, polling="raf")
    except Exception as exc:
        state = page.evaluate(STATE)
        raise SystemExit(f"waited for {title!r} with {rows} rows; the page shows {state}") from exc
    return time.perf_counter() - started


def set_slider(page, elem_id: str, value: int) -> None:
    """Type the number and leave the box, as a teacher does (Gradio's slider sends ``release`` on blur)."""
    box = page.locator(f"#{elem_id} input[type=number]")
    box.fill(str(value))
    box.press("Tab")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 tokens, 1 repeat")
    parser.add_argument("--tokens", type=int, default=512, help="pieces of the pasted sentence, [CLS]/[SEP] included")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tokens, repeats = (64, 1) if args.quick else (min(args.tokens, 512), args.repeats)

    from playwright.sync_api import sync_playwright

    from components.core.models import load_model
    from components.core.services import AppConfig
    from components.ui.serving import CHROMIUM_ARGS, chromium, serve

    executable = chromium()
    if not executable:
        raise SystemExit("Debian's chromium is needed: apt-get install -y chromium")

    model = load_model("minilm")
    base = sentence(model, tokens - 1)  # one word is added per repeat, so each run is a sentence not yet seen
    texts = []
    for word in ("apple", "river", "garden", "window", "teacher", "summer", "letter", "bridge", "music", "forest"):
        text = f"{word} {base}"
        while len(model.tokenizer(text)["input_ids"]) > tokens:
            text = text.rsplit(" ", 1)[0]
        texts.append(text)
    rows = [len(model.tokenizer(t)["input_ids"]) for t in texts]
    times: dict[str, list[float]] = {"run": [], "layer": [], "one_head": []}
    started = time.perf_counter()
    with serve(AppConfig(models=("minilm",), default_model="minilm")) as demo, sync_playwright() as pw, \
            tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                        args=list(CHROMIUM_ARGS),
                                                        viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(demo.local_url, wait_until="load")
            page.locator("#language-switch input[value=en]:checked").wait_for(state="attached", timeout=TIMEOUT_MS)
            page.locator("#tab-attention-button").click()
            panel = page.locator("#tab-attention")
            box = page.locator("#attention-text textarea")
            box.wait_for(timeout=TIMEOUT_MS)
            for i in range(repeats + 1):  # the first round warms the page (plotly's first heatmap) and is dropped
                text, n = texts[i % len(texts)], rows[i % len(rows)]
                set_slider(page, "attention-layer", 3)
                page.locator("#attention-view label", has_text="mean of the layer's heads").click()
                if i:  # the previous sentence redrawn at layer 3, mean view: settled before the clock starts
                    timed(page, lambda: None, "minilm: layer 3, mean of 12 heads", rows[(i - 1) % len(rows)],
                          settle=True)
                box.fill(text)
                run = timed(page, lambda: panel.locator("button.primary").first.click(),
                            "minilm: layer 3, mean of 12 heads", n)
                layer = timed(page, lambda: set_slider(page, "attention-layer", 5), "minilm: layer 5, mean of 12 heads",
                              n)
                head = timed(page, lambda: page.locator("#attention-view label", has_text="one head").click(),
                             "minilm: layer 5, head 1", n)
                if i:
                    for key, value in (("run", run), ("layer", layer), ("one_head", head)):
                        times[key].append(value)
                print(f"round {i}: {n} tokens  run {run:.2f} s  layer {layer:.2f} s  one head {head:.2f} s",
                      flush=True)
        finally:
            context.close()
    medians = {key: round(statistics.median(values), 2) for key, values in times.items()}
    result = {"model": "minilm", "tokens": rows[1 % len(rows)], "repeats": repeats, "quick": args.quick,
              "seconds_median": medians, "seconds_all": {k: [round(v, 2) for v in vs] for k, vs in times.items()},
              "goal_seconds": 3.0, "viewport": [1400, 1000], "browser": "Debian chromium, headless",
              "load_average_end": [round(x, 2) for x in os.getloadavg()],
              "wall_seconds": round(time.perf_counter() - started, 1)}
    out = result_path("browser_draw")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(medians), f"-> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
