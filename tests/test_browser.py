"""What only a real browser can show: tabs drawn, charts rendered, nothing injected, nothing fetched.

Headless Debian Chromium, no network. Each test saves a screenshot under artifacts/screenshots.
"""

from __future__ import annotations

import pytest

from tests.browser import XSS_PAYLOADS, open_context, screenshot, watch_page

pytestmark = [pytest.mark.browser]
TIMEOUT = 60_000


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def assert_clean(page, where: str) -> None:
    watch = page.watch
    assert not watch.dialogs, f"{where}: a script ran (dialog: {watch.dialogs})"
    assert not watch.external, f"{where}: requests left the machine: {watch.external[:5]}"
    assert not watch.injected, f"{where}: user text became markup and fetched {watch.injected[:3]}"
    assert not watch.errors, f"{where}: the page raised {watch.errors[:3]}"


def test_tokens_tab_shows_the_pieces_and_the_chart(page):
    open_tab(page, "Tokens")
    page.get_by_label("Sentence A").fill("The bank raised interest rates.")
    page.get_by_role("button", name="Show tokens").click()
    page.locator("#tokens-plot .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    table_text = page.locator("#tokens-table").inner_text()
    shot = screenshot(page, "tokens")
    for token in ("[CLS]", "bank", "interest", "[SEP]"):
        assert token in table_text, f"Tokens tab: '{token}' missing from the table (see {shot})"
    assert_clean(page, "Tokens tab")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_tokens_tab_shows_markup_as_text(page, payload):
    open_tab(page, "Tokens")
    page.get_by_label("Sentence A").fill(payload)
    page.get_by_role("button", name="Show tokens").click()
    page.locator("#tokens-plot .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    screenshot(page, f"tokens-xss-{XSS_PAYLOADS.index(payload)}")
    assert_clean(page, "Tokens tab with markup input")
    assert page.locator("#tokens-table img").count() == 0


def test_chinese_browser_gets_chinese_labels(playwright_session, app_server, tmp_path):
    context = open_context(playwright_session, tmp_path / "profile-zh", locale="zh-CN")
    try:
        page = context.new_page()
        page.watch = watch_page(page)
        page.goto(app_server.local_url, wait_until="networkidle")
        page.get_by_role("tab", name="词元").wait_for(timeout=TIMEOUT)
        for label in ("预测", "注意力", "多义词", "关于"):
            assert page.get_by_role("tab", name=label).count() == 1, f"tab '{label}' not in Chinese"
        screenshot(page, "chinese-ui")
        assert_clean(page, "Chinese UI")
    finally:
        context.close()


def test_projector_mode_enlarges_text(page):
    body = page.locator(".gradio-container").first
    before = page.evaluate("() => getComputedStyle(document.querySelector('.prose') || document.body).fontSize")
    page.locator("#projector-toggle input[type=checkbox]").check()
    page.wait_for_function("() => document.body.classList.contains('projector')", timeout=TIMEOUT)
    after = page.evaluate("() => getComputedStyle(document.querySelector('.prose') || document.body).fontSize")
    screenshot(page, "projector")
    assert float(after.rstrip("px")) > float(before.rstrip("px")), (before, after)
    assert body.is_visible()


def test_attention_tab_draws_heatmap_and_bertviz_offline(page):
    open_tab(page, "Attention")
    page.get_by_label("Sentence A", exact=True).last.fill("The animal didn't cross the street because it was tired.")
    page.get_by_label("Sentence B (optional: makes a sentence pair)").last.fill("It had walked all day.")
    page.get_by_role("button", name="Show attention").click()
    page.locator("iframe[title^='bertviz']").wait_for(timeout=TIMEOUT)
    frame = page.frame_locator("iframe[title^='bertviz']")
    frame.locator("#bl-head svg line").first.wait_for(timeout=TIMEOUT, state="attached")
    frame.locator("#bl-model svg rect").first.wait_for(timeout=TIMEOUT, state="attached")
    heatmaps = page.locator(".js-plotly-plot .heatmaplayer").count()
    head_lines = frame.locator("#bl-head svg line").count()
    model_cells = frame.locator("#bl-model svg rect").count()
    page.locator("iframe[title^='bertviz']").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # headless Chromium paints an iframe only once it is in the viewport
    shot = screenshot(page, "attention")
    assert heatmaps >= 1, f"Attention tab: no plotly heatmap drawn (see {shot})"
    assert head_lines > 0, f"Attention tab: bertviz head view drew no lines (see {shot})"
    assert model_cells > 0, f"Attention tab: bertviz model view drew no thumbnails (see {shot})"
    assert_clean(page, "Attention tab")


RUN_BUTTONS = {"Predict": "Predict", "Attention": "Show attention", "Tokens": "Show tokens",
               "Polysemy": "Compare the spaces"}


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_typed_into_every_text_box_stays_text(page, payload):
    """Every visible text box of every tab gets the payload; nothing may run or be fetched."""
    for tab, button in RUN_BUTTONS.items():
        open_tab(page, tab)
        boxes = page.locator("textarea:visible, input[type=text]:visible")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if box.is_editable() and box.get_attribute("aria-label") != "Model":
                box.fill(payload)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_timeout(2_500)
        screenshot(page, f"xss-{tab.lower()}-{XSS_PAYLOADS.index(payload)}")
        assert_clean(page, f"{tab} tab with markup in every text box")


def test_predict_tab_draws_every_label_with_its_threshold(page):
    open_tab(page, "Predict")
    page.get_by_label("Text", exact=True).fill("Thank you so much for helping me with my homework!")
    page.get_by_role("button", name="Predict", exact=True).click()
    page.locator(".js-plotly-plot .barlayer").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    shot = screenshot(page, "predict")
    bars = page.locator(".js-plotly-plot .barlayer .point").count()
    assert bars == 28, f"Predict tab: expected 28 label bars, saw {bars} (see {shot})"
    assert "gratitude" in page.locator("body").inner_text(), f"Predict tab: no gratitude label (see {shot})"
    assert_clean(page, "Predict tab")


def test_polysemy_tab_draws_both_spaces_the_matrix_and_the_curve(page):
    open_tab(page, "Polysemy")
    page.get_by_role("button", name="Compare the spaces").click()
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1_000)
    shot = screenshot(page, "polysemy")
    plots = page.locator(".js-plotly-plot").count()
    points = page.locator(".js-plotly-plot .scatterlayer .point").count()
    assert plots >= 4, f"Polysemy tab: {plots} of 4 charts drawn (see {shot})"
    assert points >= 20, f"Polysemy tab: only {points} points drawn for 20 occurrences (see {shot})"
    assert_clean(page, "Polysemy tab")
