"""The Polysemy tab in a real browser (headless Debian Chromium, offline), in English and in zh-CN:
four charts drawn, exports downloaded, a deep link restored and run, Chinese everywhere for a Chinese
classroom, markup typed by a student shown as text. Screenshots go to artifacts/screenshots."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import numpy as np
import pytest

from tests.browser import assert_clean, open_context, open_teacher_note, screenshot, watch_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("umap_compiled")]
TIMEOUT = 120_000
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}")  # three English words in a row


def wait_for_charts(page) -> None:
    for view in ("static", "contextual", "matrix", "curve"):
        page.locator(f"#polysemy-{view} .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('#polysemy-note').innerText.trim().length > 0",
                           timeout=TIMEOUT)
    page.wait_for_timeout(800)


def open_page(playwright_session, app_server, tmp_path, locale: str, query: str = ""):
    """A fresh page; "load" then the tabs drawn (Gradio's heartbeat request never lets the network go idle)."""
    context = open_context(playwright_session, tmp_path / f"profile-{locale}", locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(app_server.local_url.rstrip("/") + (query or "/"), wait_until="load")
    page.locator("#tab-polysemy-button, [role=tab]").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1_500)  # the page-load event sets the session's language and applies the link
    return context, page


def test_polysemy_tab_draws_four_charts_and_downloads_vectors_and_coordinates(page, tmp_path):
    page.get_by_role("tab", name="Polysemy").click()
    page.get_by_role("button", name="Compare the spaces").click()
    wait_for_charts(page)
    page.locator("#polysemy-note").get_by_text("Best layer").wait_for(timeout=TIMEOUT)
    shot = screenshot(page, "polysemy-en")
    points = page.locator("#polysemy-contextual .scatterlayer .point").count()
    assert points == 28, f"20 occurrences + 8 anchor words expected, saw {points} points (see {shot})"
    assert page.locator("#polysemy-static .scatterlayer .point").count() >= 2, f"no static space (see {shot})"
    assert page.locator("#polysemy-matrix .heatmaplayer").count() == 1, f"no cosine matrix (see {shot})"
    assert "Static baseline" in page.locator("#polysemy-note").inner_text()
    page.get_by_text("Export: vectors and map coordinates").click()
    with page.expect_download(timeout=TIMEOUT) as npy:
        page.locator("#polysemy-npy").click()
    path = tmp_path / npy.value.suggested_filename
    npy.value.save_as(path)
    assert path.name == "bertlens-polysemy-vectors-bank.npy" and np.load(path).shape == (20, 7, 384)
    with page.expect_download(timeout=TIMEOUT) as csv:
        page.get_by_role("button", name="Download CSV").last.click()
    rows = open(csv.value.path(), encoding="utf-8-sig").read().splitlines()
    assert rows[0] == "#,sense,kind,sentence or word,layer,x,y" and len(rows) == 29
    screenshot(page, "polysemy-en-export")
    assert_clean(page, "Polysemy tab")


def test_a_deep_link_opens_the_set_at_its_layer_and_runs_it(playwright_session, app_server, tmp_path):
    query = "/?" + urlencode({"tab": "polysemy", "set": "spring", "layer": "2", "model": "minilm"})
    context, page = open_page(playwright_session, app_server, tmp_path, "en-US", query)
    try:
        wait_for_charts(page)
        title = page.locator("#polysemy-contextual .gtitle").text_content()
        shot = screenshot(page, "polysemy-deep-link")
        assert "'spring' in each sentence" in title and "layer 2 of 6 · minilm" in title, f"{title!r} (see {shot})"
        assert page.locator("#polysemy-target input, #polysemy-target textarea").first.input_value() == "spring"
        assert "season | " in page.locator("#polysemy-sentences textarea").input_value()
        assert_clean(page, "Polysemy deep link")
    finally:
        context.close()


def test_a_chinese_classroom_reads_chinese_everywhere(playwright_session, app_server, tmp_path, tiny_zh_dir):
    query = "/?" + urlencode({"tab": "polysemy", "set": "pingguo", "layer": "1", "model": str(tiny_zh_dir)})
    context, page = open_page(playwright_session, app_server, tmp_path, "zh-CN", query)
    try:
        wait_for_charts(page)
        page.locator("#polysemy-note").get_by_text("最佳层").wait_for(timeout=TIMEOUT)
        shot = screenshot(page, "polysemy-zh")
        assert page.get_by_role("button", name="比较两个空间").count() == 1, f"button not in Chinese (see {shot})"
        assert "水果 | 我每天早上吃一个苹果。" in page.locator("#polysemy-sentences textarea").input_value()
        texts = [page.locator("#polysemy-note").inner_text()]
        for view in ("static", "contextual", "matrix", "curve"):
            texts += page.locator(f"#polysemy-{view} .main-svg text").all_text_contents()
        english = [m.group(0) for text in texts for m in ENGLISH_RUN.finditer(text)]
        assert english == [], f"English in the Chinese view: {english[:5]} (see {shot})"
        assert "上下文空间" in " ".join(texts) and "锚点词" in " ".join(texts)
        assert_clean(page, "Polysemy in Chinese")
    finally:
        context.close()


def test_a_chinese_set_on_minilm_gives_the_one_message_in_chinese(playwright_session, app_server, tmp_path):
    context, page = open_page(playwright_session, app_server, tmp_path, "zh-CN")
    try:
        page.get_by_role("tab", name="多义词").click()
        page.locator("#polysemy-set input").click()
        page.get_by_role("option", name="苹果（水果 / 公司）").click()
        page.wait_for_function("() => document.querySelector('#polysemy-sentences textarea').value.includes('苹果')",
                               timeout=TIMEOUT)
        page.get_by_role("button", name="比较两个空间").click()
        toast = page.locator(".toast-body").filter(has_text="bert-base-chinese").first
        toast.wait_for(timeout=TIMEOUT)
        shot = screenshot(page, "polysemy-zh-minilm")
        message = toast.inner_text()
        assert "这段文字是中文" in message and "prefetch" not in message.split("给老师的说明")[0], shot
        assert "python app.py prefetch bert-base-chinese" in open_teacher_note(toast), shot  # folded, for the teacher
        assert_clean(page, "Chinese set on minilm")
    finally:
        context.close()


def test_markup_in_the_target_sense_and_sentences_stays_text(page):
    payload_sense, target = "<img src=x onerror=alert(1)>", "<b>bank</b>"
    text = "\n".join([f"{payload_sense} | I paid the {target} today.", f"{payload_sense} | My {target} gave me a loan.",
                      f"river | We sat by the {target} of the river.", f"river | <i>The</i> {target} was muddy."])
    page.get_by_role("tab", name="Polysemy").click()
    page.locator("#polysemy-sentences textarea").fill(text)
    page.locator("#polysemy-target input, #polysemy-target textarea").first.fill(target)
    page.get_by_role("button", name="Compare the spaces").click()
    wait_for_charts(page)
    page.get_by_text("Export: vectors and map coordinates").click()
    page.wait_for_timeout(500)
    shot = screenshot(page, "polysemy-xss")
    assert "<b>bank</b>" in page.locator("#polysemy-note").inner_text(), f"the target is not shown as text ({shot})"
    for where in ("#polysemy-note", "#polysemy-static", "#polysemy-contextual", "#polysemy-coords"):
        assert page.locator(f"{where} img, {where} b, {where} i").count() == 0, f"markup rendered in {where} ({shot})"
    legend = " ".join(page.locator("#polysemy-contextual .legend text").all_text_contents())
    assert "<img src=x onerror=alert(1)>" in legend
    assert_clean(page, "Polysemy with markup")
    # negative control: the same markup, *unescaped*, is seen by the checks above
    page.evaluate("(html) => { const d = document.createElement('div'); d.id = 'control'; d.innerHTML = html; "
                  "document.querySelector('#polysemy-note').appendChild(d); }", payload_sense)
    page.wait_for_timeout(1_000)
    assert page.locator("#polysemy-note img").count() == 1 and page.watch.injected


def test_opening_and_closing_the_set_menu_keeps_the_students_own_sentences(page):
    """Only a choice in the menu replaces the box; the control: choosing a set does replace it."""
    page.locator("#tab-polysemy-button").click()
    box = page.locator("#polysemy-sentences textarea")
    own = "river | We sat on the bank of the river.\nmoney | The bank lent us money."
    box.fill(own)
    box.blur()
    menu = page.locator("#polysemy-set input")
    menu.click()
    page.locator("ul[role=listbox]").wait_for(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    page.locator("#polysemy-target textarea, #polysemy-target input").first.click()  # focus leaves, no choice
    page.wait_for_timeout(1_500)
    assert box.input_value() == own
    menu.click()
    page.locator("ul[role=listbox] li").nth(1).click()
    page.wait_for_function("(own) => document.querySelector('#polysemy-sentences textarea').value !== own", arg=own,
                           timeout=TIMEOUT)
