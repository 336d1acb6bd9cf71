"""The Pre-training tab in headless Chromium, in English and zh-CN: with a tiny BERT that has heads (guess-first
flow on clicked words, the recipe and a re-roll, NSP and shuffle), and with minilm alone (the recipe on real
pieces, the NSP input, and the one line that says how to get a model with heads). Screenshots are saved."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from components.core.messages import t
from tests.browser import assert_clean, open_context, screenshot, watch_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def minilm_app(empty_hf_cache):
    from components.core.services import AppConfig
    from components.ui.serving import serve

    with serve(AppConfig(models=("minilm",), default_model="minilm", warm_up=False, concurrency=2)) as demo:
        yield demo


def open_tab(playwright_session, tmp_path, app, locale: str, **query):
    context = open_context(playwright_session, tmp_path / "profile", locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(app.local_url + "?" + urlencode({"tab": "pretraining", **query}), wait_until="load")
    page.locator("#pretraining-status").get_by_text("pre-training heads").or_(
        page.locator("#pretraining-status").get_by_text("预训练头")).first.wait_for(timeout=30_000)
    return context, page


def teacher_note(page, elem: str) -> str:
    """The folded "For the teacher" note of a box, opened as a teacher would."""
    folded = page.locator(f"#{elem} details.bl-teacher").first
    folded.wait_for(timeout=30_000)
    folded.locator("summary").click()
    return folded.inner_text()


def note(page, elem: str, text: str) -> str:
    box = page.locator(f"#{elem}")
    box.get_by_text(text).first.wait_for(timeout=30_000)
    return box.inner_text()


def test_english_with_heads_guess_first_recipe_and_nsp(playwright_session, tmp_path, pt_app, pt_en_dir):
    context, page = open_tab(playwright_session, tmp_path, pt_app, "en-US", model=str(pt_en_dir))
    try:
        note(page, "pretraining-status", "This tab uses")  # the deep link's model, after minilm's first answer
        page.locator("#pretraining-text textarea").fill("The hummingbirds drank from the flower.")
        page.locator("#pretraining-words label", has_text="hummingbirds (hummingbird · ##s)").click()
        page.locator("#pretraining-reveal").click()
        assert "Type your guess for the first blank" in note(page, "pretraining-note", "Type your guess")
        assert page.locator("#pretraining-fill-plot .js-plotly-plot").count() == 0  # nothing revealed yet
        page.locator("#pretraining-guess textarea").fill("hummingbird")
        page.locator("#pretraining-reveal").click()
        text = note(page, "pretraining-note", "Blank 1 hid")
        assert "BERT reads: [CLS] the [MASK] [MASK] drank" in text and "Your guess hummingbird for blank 1" in text
        assert "Blank 1 hid hummingbird" in text and "Blank 2 hid ##s" in text
        page.locator("#pretraining-fill-plot .js-plotly-plot").wait_for()
        page.locator("#pretraining-attention-plot .js-plotly-plot").wait_for()
        page.locator("#pretraining-recipe-run").click()
        assert "Seed 0:" in note(page, "pretraining-recipe-note", "Seed 0:")
        page.locator("#pretraining-reroll").click()
        assert "Seed 1:" in note(page, "pretraining-recipe-note", "Seed 1:")
        page.locator("#pretraining-recipe-plot .js-plotly-plot").wait_for()
        page.locator("#pretraining-nsp-run").click()
        assert "P(IsNext) =" in note(page, "pretraining-nsp-note", "P(IsNext)")
        before = page.locator("#pretraining-b textarea").input_value()
        page.locator("#pretraining-shuffle").click()
        page.wait_for_function(f"() => document.querySelector('#pretraining-b textarea').value !== {before!r}")
        page.locator("#pretraining-nsp-plot .js-plotly-plot").wait_for()
        screenshot(page, "pretraining-en-heads")
        assert_clean(page, "Pre-training tab with heads")
    finally:
        context.close()


def test_chinese_with_heads(playwright_session, tmp_path, pt_app, pt_zh_dir):
    context, page = open_tab(playwright_session, tmp_path, pt_app, "zh-CN", model=str(pt_zh_dir))
    try:
        note(page, "pretraining-status", "本页使用")
        page.locator("#pretraining-text textarea").fill("我喜欢红色的花。")
        for character in ("喜", "欢"):
            page.locator("#pretraining-words label", has_text=character).click()
        page.locator("#pretraining-guess textarea").fill("喜欢")
        page.locator("#pretraining-reveal").click()
        text = note(page, "pretraining-note", "你对空格 1 的猜测")
        assert "空格 2 遮住的是" in text and "BERT 读到的是" in text
        page.locator("#pretraining-recipe-text textarea").fill("太阳升起，天空变亮，鱼儿在水中游，我喜欢红色的花。")
        page.locator("#pretraining-recipe-run").click()
        assert "种子 0" in note(page, "pretraining-recipe-note", "种子 0")
        page.get_by_text("太阳升起。").last.click()  # an example pair: 太阳升起。 / 鱼儿在水中游。
        page.locator("#pretraining-nsp-run").click()
        assert "P(IsNext)" in note(page, "pretraining-nsp-note", "BERT 认为")
        assert page.get_by_role("button", name="揭晓 BERT 的答案").count() == 1
        screenshot(page, "pretraining-zh-heads")
        assert_clean(page, "Pre-training tab in Chinese")
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_minilm_alone_teaches_the_recipe_and_points_to_the_heads(playwright_session, tmp_path, minilm_app, locale):
    context, page = open_tab(playwright_session, tmp_path, minilm_app, locale)
    try:
        lang = "zh" if locale == "zh-CN" else "en"
        status = page.locator("#pretraining-status").inner_text()
        assert "prefetch" not in status.split(t("teacher_note", lang))[0]  # the student's part names no command
        command = teacher_note(page, "pretraining-status")  # the page's language picks the model to fetch
        model = "bert-base-chinese" if lang == "zh" else "bert-base-uncased"
        assert f"python app.py prefetch {model}" in command and "HF_ENDPOINT" in command
        page.locator("#pretraining-recipe-run").click()
        recipe = note(page, "pretraining-recipe-note", t("teacher_note", lang))
        assert ("pieces chosen" in recipe or "none of the" in recipe) if locale == "en-US" else "种子 0" in recipe
        page.locator("#pretraining-recipe-plot .js-plotly-plot").wait_for()
        assert "humming" in page.locator("#pretraining-recipe-plot").inner_text()  # minilm's real WordPiece pieces
        page.locator("#pretraining-nsp-run").click()
        note(page, "pretraining-nsp-note", t("teacher_note", lang))
        page.locator("#pretraining-nsp-plot .js-plotly-plot").wait_for()
        page.locator("#pretraining-guess textarea").fill("coffee")
        page.locator("#pretraining-reveal").click()
        fill = note(page, "pretraining-note", t("teacher_note", lang))
        assert "[MASK]" in fill and "%" not in fill  # the masked input, and no prediction of any kind
        assert page.locator("#pretraining-fill-plot .js-plotly-plot").count() == 0
        screenshot(page, f"pretraining-minilm-{locale}")
        assert_clean(page, "Pre-training tab on minilm")
    finally:
        context.close()
