"""Browser check of the Attention tab (not collected by pytest: run by hand or turn into a test).

    python app.py --port 7871 --no-warm-up &
    python tests/e2e_attention_check.py http://127.0.0.1:7871 /tmp/attention.png

Checks, in headless Chromium with no network: the Plotly heatmap and bertviz's head view and
model view draw SVG inside the sandboxed iframe; no request leaves localhost; the XSS inputs
fire no dialog. Exits non-zero on failure.
"""

from __future__ import annotations

import sys
import tempfile
from urllib.parse import urlparse

from playwright.sync_api import Page, sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
XSS = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def run_attention(page: Page, text: str, pair: str = "") -> dict[str, int]:
    """Type the inputs, press Run, and count what the bertviz iframe drew."""
    boxes = page.locator("textarea:visible")  # the Attention tab's sentence A and B
    boxes.nth(0).fill(text)
    boxes.nth(1).fill(pair)
    page.get_by_role("button", name="Show attention").click()
    page.wait_for_selector("iframe[title^='bertviz']", timeout=60_000)
    page.wait_for_timeout(2_500)
    frame = page.frame_locator("iframe[title^='bertviz']")
    counts = {
        "svg": frame.locator("svg").count(),
        "head_view_lines": frame.locator("#bl-head svg line").count(),
        "model_view_rects": frame.locator("#bl-model svg rect").count(),
        "heatmaps": page.locator(".js-plotly-plot .heatmaplayer").count(),
    }
    return counts


def main(url: str, screenshot: str) -> int:
    failures: list[str] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                   args=ARGS, viewport={"width": 1280, "height": 1000})
        page = ctx.new_page()
        outside: list[str] = []
        dialogs: list[str] = []
        host = urlparse(url).hostname

        def on_request(request) -> None:
            parsed = urlparse(request.url)
            if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in (host, "localhost"):
                outside.append(request.url)

        page.on("request", on_request)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: print("page error:", e))
        page.goto(url)
        page.get_by_role("tab", name="Attention").click()
        counts = run_attention(page, "The animal didn't cross the street because it was too tired.",
                               "It had walked all day.")
        print("normal input:", counts)
        if counts["svg"] < 2 or counts["head_view_lines"] == 0 or counts["model_view_rects"] == 0:
            failures.append(f"bertviz did not draw: {counts}")
        if counts["heatmaps"] == 0:
            failures.append("no plotly heatmap")
        page.screenshot(path=screenshot, full_page=True)
        page.locator("iframe[title^='bertviz']").scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # a viewport shot: headless Chromium leaves off-screen iframes blank
        page.screenshot(path=screenshot.replace(".png", "_bertviz.png"))
        for payload in XSS:
            counts = run_attention(page, f"Hello {payload} world", payload)
            print("xss input:", counts)
            for view in ("all heads of the layer", "rollout up to the layer", "one head"):
                page.get_by_label(view).check()
                page.wait_for_timeout(800)
            page.get_by_role("tab", name="Tokens").click()
            page.locator("textarea:visible").first.fill(payload)
            page.get_by_role("button", name="Show tokens").click()
            page.wait_for_timeout(1_500)
            page.get_by_role("tab", name="Attention").click()
        if dialogs:
            failures.append(f"a script from user text ran: {dialogs}")
        if outside:
            failures.append(f"requests left the machine: {outside[:5]}")
        ctx.close()
    print("FAIL:\n  " + "\n  ".join(failures) if failures else "OK: offline, drawn, nothing injected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:7860",
                  sys.argv[2] if len(sys.argv) > 2 else "/tmp/attention.png"))
