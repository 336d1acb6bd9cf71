"""The Fine-tuning tab in headless Chromium, in English and in Chinese: the table and the curves are drawn, a live
run streams to its result, the comparison draws its four figures, and a Chinese page shows no English sentence
in what the tab writes. Screenshots go to artifacts/screenshots."""

from __future__ import annotations

import re

import pytest

from tests.browser import assert_clean, open_context, screenshot, watch_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT = 120_000
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ ,'’-]+[A-Za-z]+){2,}")  # three English words in a row
WRITTEN = ("#finetune-table", "#finetune-table-note", "#finetune-result", "#finetune-summary", "#finetune-curves",
           "#finetune-live-plot", "#finetune-cka", "#finetune-js", "#finetune-lora", "#finetune-cosine")
# what may stay English in a Chinese page: code and commands in backticks, file paths
ALLOWED = re.compile(r"`[^`]*`|python \S+|\S+\.(?:py|json|tsv)")


@pytest.fixture()
def browser_page(playwright_session, live_app, tmp_path, request):
    locale = getattr(request, "param", "en-US")
    context = open_context(playwright_session, tmp_path / "profile", locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(live_app.local_url, wait_until="load")
    page.get_by_role("tab").first.wait_for(timeout=TIMEOUT)
    yield page
    context.close()


def run_the_lesson(page, tab: str, done: str) -> None:
    page.get_by_role("tab", name=tab).click()
    page.locator("#finetune-curves .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    page.locator("#finetune-method label").filter(has_text="head").click()
    page.locator("#finetune-budget input[type=number]").fill("500")
    page.locator("#finetune-budget input[type=number]").press("Enter")
    page.locator("#finetune-train").click()
    page.locator("#finetune-result").get_by_text(done).wait_for(timeout=TIMEOUT)
    page.locator("#finetune-which label").nth(1).click()  # the classifier I just trained
    page.locator("#finetune-compare").click()
    page.locator("#finetune-cosine .js-plotly-plot .main-svg").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(800)


def test_the_tab_in_english(browser_page):
    page = browser_page
    run_the_lesson(page, "Fine-tuning", "Done")
    shot = screenshot(page, "finetune-en")
    table = page.locator("#finetune-table").inner_text()
    assert "head: linear head on frozen BERT" in table and "lora: LoRA adapters + head" in table, shot
    assert page.locator("#finetune-curves .scatterlayer .trace").count() == 4, shot  # 2 runs x (loss, dev F1)
    assert "before" in page.locator("#finetune-result").inner_text(), shot
    assert "exactly as it was" in page.locator("#finetune-summary").inner_text(), shot  # head: frozen BERT
    for plot in ("#finetune-live-plot", "#finetune-cka", "#finetune-js", "#finetune-lora", "#finetune-cosine"):
        assert page.locator(f"{plot} .main-svg").count() >= 1, f"{plot} not drawn ({shot})"
    assert_clean(page, "Fine-tuning tab")


@pytest.mark.parametrize("browser_page", ["zh-CN"], indirect=True)
def test_the_tab_in_chinese_has_no_english_sentence(browser_page):
    page = browser_page
    run_the_lesson(page, "微调", "完成")
    shot = screenshot(page, "finetune-zh")
    assert "测试集宏平均 F1" in page.locator("#finetune-table").inner_text(), shot
    assert "训练前" in page.locator("#finetune-result").inner_text(), shot
    for selector in WRITTEN:
        texts = [page.locator(selector).inner_text()] + page.locator(f"{selector} svg text").all_text_contents()
        for text in texts:
            english = ENGLISH_RUN.findall(ALLOWED.sub(" ", text))
            assert not english, f"{selector} shows English in a Chinese page: {english[:3]} ({shot})"
    assert page.get_by_role("button", name="开始训练").count() == 1
    assert_clean(page, "微调 tab")
