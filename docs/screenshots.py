"""Regenerate the screenshots in docs/screenshots/, in English and in Chinese.

    python docs/screenshots.py                       every screenshot, both languages
    python docs/screenshots.py --only evaluate about  only these (names below), both languages
    python docs/screenshots.py --lang zh             only one language
    python docs/screenshots.py --only finetune-minirun --method head --budget 500   a quicker live run

Serves the real app in-process, exactly as the tests do (``components.ui.serving.serve`` on a free loopback
port, the default ``AppConfig``), drives Debian's Chromium headless through Playwright with a fresh profile per
screenshot, and writes element or panel screenshots (never the whole page) named ``{lang}-{name}.png``:

    attention-projector  the Attention tab in projector mode after Run
    explain-scan         the Explain tab's heads scan (plot and note) for its default example
    finetune-table       the Fine-tuning tab's recorded-runs table and the note under it
    finetune-minirun     a live mini-run's result sentence and loss curve (the tab's defaults: lora, 2,000 examples)
    evaluate             "Evaluate a classifier, label by label" on the GoEmotions test split
    layer                the "Inside a layer" tab after Run, a query token picked and a guess made
    about                the About tab (taken last, so the default model reads "loaded" in both languages)

It takes about four minutes on 2 CPU cores: the live mini-run takes about a minute per language (about 10 s
with ``--method head --budget 500``), the evaluation (a seeded sample of 1,000 test sentences) about 10 s, every
other screenshot a few seconds; the PNGs come to about 3 MB.

Needs Debian's Chromium (``apt-get install -y chromium``; no ``playwright install``) and the dev requirements
(``pip install -r requirements-dev.txt``, for Playwright), plus the data in ../shared/data beside the repository
for the live run and the evaluation. Nothing is downloaded: HF_HUB_OFFLINE is set to 1 unless already set.
A screenshot that fails is reported and skipped; the others still run, and a summary is printed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # as the tests: nothing leaves the machine
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
LANGS = {"en": "en-US", "zh": "zh-CN"}
TIMEOUT = 120_000
MAX_BYTES = 1_500_000
VIEWPORT = {"width": 1400, "height": 1000}
MINIRUN: dict = {"method": None, "budget": None}  # None: the tab's defaults (lora, 2,000 examples)


# --- the browser -------------------------------------------------------------------------------------------------

class Session:
    """One fresh browser profile on the app, in one language; the page's script errors are recorded."""

    def __init__(self, playwright, app, lang: str, query: str = "") -> None:
        from components.ui.serving import CHROMIUM_ARGS, chromium

        self.lang = lang
        self.profile = Path(tempfile.mkdtemp(prefix=f"bertlens-shots-{lang}-"))
        self.context = playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=chromium(), headless=True, args=list(CHROMIUM_ARGS),
            locale=LANGS[lang], viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        # "load", then the language switch (never "networkidle": Gradio's heartbeat keeps the network busy)
        self.page.goto(app.local_url.rstrip("/") + "/" + query, wait_until="load")
        self.page.locator(f"#language-switch input[value={lang}]:checked").wait_for(state="attached",
                                                                                   timeout=TIMEOUT)

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def open_tab(page, tab_id: str):
    page.locator(f"#tab-{tab_id}-button").click()
    panel = page.locator(f"#tab-{tab_id}")
    panel.wait_for(timeout=TIMEOUT)
    return panel


def settle(page, ms: int = 800) -> None:
    """No progress bar left, then a moment for plots and transitions to finish drawing."""
    page.locator(".eta-bar, .progress-text").first.wait_for(state="detached", timeout=TIMEOUT)
    page.wait_for_timeout(ms)


def error_toasts(page) -> list[str]:
    return [text.strip() for text in page.locator(".toast-body.error").all_inner_texts()]


def region(page, selectors: list[str], path: Path, pad: int = 8) -> Path:
    """One PNG of the smallest rectangle holding every visible element of ``selectors`` (document coordinates)."""
    boxes = page.evaluate("""(sels) => sels.flatMap((s) => [...document.querySelectorAll(s)]).map((e) => {
        const r = e.getBoundingClientRect();
        return r.width && r.height ? [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY] : null;
      }).filter(Boolean)""", selectors)
    if not boxes:
        raise RuntimeError(f"nothing visible to photograph: {selectors}")
    left, top = max(0, min(b[0] for b in boxes) - pad), max(0, min(b[1] for b in boxes) - pad)
    right, bottom = max(b[2] for b in boxes) + pad, max(b[3] for b in boxes) + pad
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": left, "y": top, "width": right - left, "height": bottom - top})
    return path


def element(page, selector: str, path: Path) -> Path:
    """One element with a margin (an element screenshot cuts the first glyph when it overhangs the box)."""
    return region(page, [selector], path)


# --- the screenshots ---------------------------------------------------------------------------------------------

def attention_projector(page, lang: str, path: Path) -> None:
    page.wait_for_function("() => document.body.classList.contains('projector') && "
                           "document.querySelector('#projector-toggle input').checked", timeout=TIMEOUT)
    panel = page.locator("#tab-attention")
    panel.wait_for(timeout=TIMEOUT)
    panel.locator("button.primary").first.click()
    page.locator("#attention-plot .heatmaplayer").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('#attention-plot .js-plotly-plot')._fullLayout.font.size"
                           " > 20", timeout=TIMEOUT)
    settle(page, 1200)  # buttons ease their size in
    element(page, "#tab-attention", path)
    if path.stat().st_size > MAX_BYTES:  # the heatmap and the controls above it only
        region(page, ["#attention-text", "#attention-layer", "#attention-head", "#attention-view",
                      "#attention-note", "#attention-plot"], path)


def explain_scan(page, lang: str, path: Path) -> None:
    open_tab(page, "explain")
    page.locator("#explain-run").click()  # its default example
    page.locator("#explain-bars .js-plotly-plot .barlayer").first.wait_for(timeout=TIMEOUT)
    settle(page)
    page.locator("#explain-scan").click()
    page.locator("#explain-scan-plot .js-plotly-plot .heatmaplayer").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('#explain-scan-note').innerText.trim().length > 0",
                           timeout=TIMEOUT)
    settle(page, 1000)
    region(page, ["#explain-scan-plot", "#explain-scan-note"], path)


def finetune_table(page, lang: str, path: Path) -> None:
    open_tab(page, "finetune")
    page.locator("#finetune-table [role=row]").nth(1).wait_for(timeout=TIMEOUT)
    page.locator("#finetune-curves .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(800)
    region(page, ["#finetune-table", "#finetune-table-note"], path)


def finetune_minirun(page, lang: str, path: Path) -> None:
    open_tab(page, "finetune")
    page.locator("#finetune-curves .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    if MINIRUN["method"]:
        page.locator("#finetune-method label").nth(["head", "lora"].index(MINIRUN["method"])).click()
    if MINIRUN["budget"]:
        budget = page.locator("#finetune-budget input[type=number]")
        budget.fill(str(MINIRUN["budget"]))
        budget.press("Enter")
    page.locator("#finetune-train").click()
    done = "Done" if lang == "en" else "完成"
    page.locator("#finetune-result").get_by_text(done).wait_for(timeout=600_000)
    page.locator("#finetune-live-plot .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    settle(page, 1000)
    region(page, ["#finetune-result", "#finetune-live-plot"], path)


def about(page, lang: str, path: Path) -> None:
    open_tab(page, "about")
    page.wait_for_timeout(800)
    element(page, "#tab-about", path)


def evaluate(page, lang: str, path: Path) -> None:
    from components.core.messages import t

    open_tab(page, "finetune")
    page.locator("button.label-wrap", has_text=t("ev_panel", lang)).first.click()
    page.locator("#evaluate-source label").nth(0).click()  # the GoEmotions test split
    page.locator("#evaluate-file").wait_for(state="hidden", timeout=TIMEOUT)
    page.locator("#evaluate-run").click()
    page.locator("#evaluate-cooccurrence .heatmaplayer").first.wait_for(timeout=300_000)
    settle(page, 1000)
    region(page, ["#evaluate-summary", "#evaluate-table", "#evaluate-cooccurrence"], path)
    if path.stat().st_size > MAX_BYTES:
        region(page, ["#evaluate-table", "#evaluate-cooccurrence"], path)


def layer(page, lang: str, path: Path) -> None:
    page.locator("#tab-layer").wait_for(timeout=TIMEOUT)
    page.locator("#layer-run").click()  # its default example, guess first
    page.locator("#layer-query label", has_text="2 animal").wait_for(timeout=TIMEOUT)
    page.locator("#layer-plot-input .main-svg").first.wait_for(timeout=TIMEOUT)
    page.locator("#layer-query label", has_text="10 it").click()
    page.wait_for_function("() => document.querySelector('#layer-note').innerText.includes('10 it')",
                           timeout=TIMEOUT)
    page.locator("#layer-guess label", has_text="1 the").click()
    page.locator("#layer-steps").wait_for(state="visible", timeout=TIMEOUT)
    page.locator("#layer-plot-softmax .main-svg").first.wait_for(timeout=TIMEOUT)
    page.locator("#layer-plot-across .main-svg").first.wait_for(timeout=TIMEOUT)
    settle(page, 1200)
    element(page, "#tab-layer", path)


# name -> (the screenshot, the query the page opens with)
SHOTS = {
    "attention-projector": (attention_projector, "?tab=attention&projector=1"),
    "explain-scan": (explain_scan, ""),
    "finetune-table": (finetune_table, ""),
    "finetune-minirun": (finetune_minirun, ""),
    "evaluate": (evaluate, ""),
    "layer": (layer, "?tab=layer"),
    "about": (about, ""),  # last: the model table then says "loaded" for the default model in both languages
}


def take(playwright, app, lang: str, name: str, path: Path) -> None:
    """One screenshot in a fresh browser profile; reports what the page showed that a reader should know about."""
    shot, query = SHOTS[name]
    s = Session(playwright, app, lang, query=query)
    try:
        shot(s.page, lang, path)
        for text in error_toasts(s.page):
            print(f"    ! error shown on the page: {text[:300]}")
        for text in s.errors:
            print(f"    ! script error on the page: {text[:300]}")
    finally:
        s.close()


# --- main --------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), metavar="NAME",
                        help=f"only these screenshots: {', '.join(SHOTS)}")
    parser.add_argument("--lang", nargs="+", choices=sorted(LANGS), default=list(LANGS), help="en, zh or both")
    parser.add_argument("--method", choices=["head", "lora"],
                        help="the live mini-run's method (default: the tab's, lora)")
    parser.add_argument("--budget", type=int,
                        help="the live mini-run's training examples, 500 to 4000 (default: the tab's, 2000)")
    args = parser.parse_args(argv)
    MINIRUN.update(method=args.method, budget=args.budget)

    from components.ui.serving import chromium

    if not chromium():
        print("Debian's chromium is not installed: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from components.core.services import AppConfig
    from components.ui.serving import serve

    OUT.mkdir(parents=True, exist_ok=True)
    names = args.only or list(SHOTS)
    done: list[tuple[Path, float]] = []
    failed: list[tuple[str, str]] = []
    start = time.monotonic()
    with serve(AppConfig()) as app, sync_playwright() as playwright:
        print(f"app served at {app.local_url}")
        for lang in args.lang:
            for name in names:
                path = OUT / f"{lang}-{name}.png"
                began = time.monotonic()
                print(f"{lang}-{name} ...", flush=True)
                try:
                    take(playwright, app, lang, name, path)
                except Exception as exc:  # noqa: BLE001 - one failed screenshot must not stop the others
                    failed.append((f"{lang}-{name}", f"{type(exc).__name__}: {exc}".splitlines()[0]))
                    print(f"  FAILED {lang}-{name} after {time.monotonic() - began:.0f} s:")
                    traceback.print_exc(limit=3)
                    continue
                seconds = time.monotonic() - began
                done.append((path, seconds))
                size = path.stat().st_size
                warn = "  (over 1.5 MB)" if size > MAX_BYTES else ""
                print(f"  wrote {path.relative_to(ROOT)} ({size / 1000:.0f} kB, {seconds:.0f} s){warn}", flush=True)

    total = sum(path.stat().st_size for path, _ in done)
    print(f"\nSummary ({time.monotonic() - start:.0f} s, {len(done)} written, {len(failed)} failed, "
          f"{total / 1e6:.2f} MB):")
    for path, seconds in done:
        print(f"  ok      {path.relative_to(ROOT)}  {path.stat().st_size / 1000:.0f} kB  {seconds:.0f} s")
    for name, why in failed:
        print(f"  FAILED  {name}: {why}")
    if total > 10_000_000:
        print("  ! the screenshots together are over 10 MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
