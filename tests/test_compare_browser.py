"""What a student sees in headless Chromium, English and zh-CN: a minimal pair compared in Predict, the
global-threshold slider off in per-label mode, an error after a success leaving nothing stale (Predict and
Explain, whose label menu stays a menu), and a deep link that carries both sentences."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from components.core.minimal_pairs import pairs_for
from tests.browser import english_sentences, open_context, screenshot, watch_page

pytestmark = [pytest.mark.browser, pytest.mark.minilm]
TIMEOUT = 120_000
NEGATION = next(pair for pair in pairs_for("en") if pair.kind == "negation")


def open_page(playwright_session, app_server, tmp_path, locale: str, query: str = "?tab=predict"):
    context = open_context(playwright_session, tmp_path / locale, locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(app_server.local_url.rstrip("/") + "/" + query, wait_until="load")
    return context, page


def traces(page, elem: str) -> int:
    return page.locator(f"#{elem} .js-plotly-plot").evaluate("(el) => el.data.length")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_minimal_pair_is_compared_in_predict(playwright_session, app_server, tmp_path, locale):
    context, page = open_page(playwright_session, app_server, tmp_path, locale)
    try:
        page.locator("#predict-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        assert not page.locator("#predict-compare-text textarea").is_visible()  # off by default
        page.locator("#predict-pairs tr.tr-body").first.click()
        page.locator("#predict-compare-text textarea").wait_for(state="visible", timeout=TIMEOUT)
        assert page.locator("#predict-compare input[type=checkbox]").is_checked()
        assert page.locator("#predict-compare-text textarea").input_value() == NEGATION.second
        page.locator("#predict-run").click()
        page.locator("#predict-compare-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        page.wait_for_function("() => document.querySelector('#predict-compare-note').innerText.length > 20",
                               timeout=TIMEOUT)
        shot = screenshot(page, f"predict-compare-{locale}")
        assert traces(page, "predict-compare-plot") == 3, shot  # sentence 1, sentence 2, the change
        note = page.locator("#predict-compare-note").inner_text()
        texts = [note, page.locator("#predict-chosen").inner_text()]
        texts += page.locator("#predict-compare-plot .main-svg text").all_text_contents()
        if locale.startswith("zh"):
            assert "喜悦" in note, shot
            found = [s for text in texts for s in english_sentences(text.replace(NEGATION.first, " ")
                                                                    .replace(NEGATION.second, " "))]
            assert found == [], f"English in the Chinese page: {found} (see {shot})"
        else:
            assert "joy" in note and "sentence 2" in " ".join(texts), shot
        assert not (page.watch.errors or page.watch.external), page.watch
    finally:
        context.close()


def test_the_global_threshold_slider_is_off_in_per_label_mode(playwright_session, app_server, tmp_path):
    context, page = open_page(playwright_session, app_server, tmp_path, "en-US")
    try:
        slider = page.locator("#predict-threshold input[type=range]")
        slider.wait_for(timeout=TIMEOUT)
        assert slider.is_disabled()
        assert "Used only with" in page.locator("#predict-threshold").inner_text()
        page.locator("#predict-mode").get_by_text("one global threshold").click()
        page.wait_for_function("() => !document.querySelector('#predict-threshold input[type=range]').disabled",
                               timeout=TIMEOUT)  # control: the same check sees an active slider
        page.locator("#predict-mode").get_by_text("per label").click()
        page.wait_for_function("() => document.querySelector('#predict-threshold input[type=range]').disabled",
                               timeout=TIMEOUT)
    finally:
        context.close()


def test_an_error_after_a_success_leaves_nothing_stale_in_predict(playwright_session, app_server, tmp_path):
    context, page = open_page(playwright_session, app_server, tmp_path, "en-US")
    try:
        page.locator("#predict-pairs tr.tr-body").first.click()
        page.locator("#predict-compare-text textarea").wait_for(state="visible", timeout=TIMEOUT)
        page.locator("#predict-run").click()
        page.locator("#predict-compare-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        assert "joy" in page.locator("#predict-chosen").inner_text()  # control: a result was on screen
        page.locator("#predict-text textarea").fill("   ")
        page.locator("#predict-run").click()
        page.locator(".toast-body").first.wait_for(timeout=TIMEOUT)
        page.wait_for_function("() => !document.querySelector('#predict-plot .main-svg')", timeout=TIMEOUT)
        shot = screenshot(page, "predict-error-after-success")
        assert page.locator("#predict-chosen").inner_text().strip() == "", shot
        assert page.locator("#predict-compare-plot .main-svg").count() == 0, shot
        assert page.locator("#predict-compare-note").inner_text().strip() == "", shot
        assert "joy" not in page.locator("#predict-top").inner_text(), shot
    finally:
        context.close()


def test_an_error_after_a_success_keeps_explains_label_menu_a_menu(playwright_session, app_server, tmp_path):
    context, page = open_page(playwright_session, app_server, tmp_path, "en-US", "?tab=explain")
    try:
        page.locator("#explain-run").click()
        page.locator("#explain-bars .main-svg").first.wait_for(timeout=TIMEOUT)
        page.locator("#explain-heads input[type=checkbox]").first.wait_for(timeout=TIMEOUT)
        page.locator("#explain-text textarea").fill("")
        page.locator("#explain-run").click()
        toast = page.locator(".toast-wrap").first
        toast.wait_for(timeout=TIMEOUT)
        assert "Error" in toast.inner_text()  # control: the event failed, and Gradio's word for it is "Error"
        page.wait_for_function("() => !document.querySelector('#explain-bars .main-svg')", timeout=TIMEOUT)
        shot = screenshot(page, "explain-error-after-success")
        assert page.locator("#explain-label input").is_visible(), shot
        assert "Error" not in page.locator("#explain-label").inner_text(), shot
        assert "Error" not in page.locator("#explain-heads").inner_text(), shot
        assert page.locator("#explain-summary").inner_text().strip() == "", shot
        assert page.locator("#explain-highlight span[data-score]").count() == 0, shot
    finally:
        context.close()


def test_a_deep_link_carries_both_sentences(playwright_session, app_server, tmp_path):
    query = "?" + urlencode({"tab": "attention", "text": "The dog bit the man.", "compare": "1",
                             "compare_text": "The man bit the dog.", "view": "head", "lang": "zh"})
    context, page = open_page(playwright_session, app_server, tmp_path, "zh-CN", query)
    try:
        page.locator("#attention-compare-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        assert page.locator("#attention-compare-text textarea").input_value() == "The man bit the dog."
        assert traces(page, "attention-compare-plot") == 1  # the same pieces: one difference heatmap
        shot = screenshot(page, "attention-compare-zh-CN")
        title = " ".join(page.locator("#attention-compare-plot .gtitle").all_text_contents())
        assert "第二句 − 第一句" in title, shot
    finally:
        context.close()
