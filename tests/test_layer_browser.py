"""Inside a layer in headless Chromium, English and zh-CN, as a class uses it: clicking a token changes the
query, guess first keeps the steps closed until a guess, a deep link opens the view it names, the figures
and the table download, and the Chinese page holds no English sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.core.figures import export_name
from components.layer.tab import EXAMPLES
from tests.browser import download, english_sentences, open_app, png_size, screenshot

pytestmark = pytest.mark.browser
TIMEOUT = 120_000
WORD = re.compile(r"[a-z]+")
TEXT = EXAMPLES[0][0]


def open_layer(playwright, app_server, profile: Path, locale: str, query: str = "?tab=layer"):
    context, page = open_app(playwright, app_server, profile, locale=locale, query=query, timeout=TIMEOUT)
    page.locator("#tab-layer").wait_for(timeout=TIMEOUT)
    return context, page


def note(page) -> str:
    return page.locator("#layer-note").inner_text()


def wait_note(page, needle: str) -> None:
    page.wait_for_function("(n) => document.querySelector('#layer-note').innerText.includes(n)", arg=needle,
                           timeout=TIMEOUT)


def english_on(page, content: set[str]) -> list[str]:
    """Runs of 3+ English words the page shows (text and chart labels) that are not the class's own sentence."""
    texts = page.locator("#tab-layer").inner_text().splitlines()
    texts += page.locator("#tab-layer .main-svg text").all_text_contents()
    runs = [run for text in texts for run in english_sentences(text)]
    return [run for run in runs if not set(WORD.findall(run.lower())) <= content]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_click_picks_the_query_and_the_steps_wait_for_a_guess(playwright_session, app_server, tmp_path, locale):
    zh = locale.startswith("zh")
    context, page = open_layer(playwright_session, app_server, tmp_path / locale, locale)
    try:
        page.locator("#layer-run").click()
        page.locator("#layer-query label", has_text="2 animal").wait_for(timeout=TIMEOUT)
        wait_note(page, "1 the")  # no token picked yet: the first after [CLS]
        assert page.locator("#layer-steps").is_hidden(), "guess first: the steps are closed before a guess"
        page.locator("#layer-plot-input .main-svg").first.wait_for(timeout=TIMEOUT)  # step a is shown at once
        assert ("先猜一猜" if zh else "Guess first") in note(page)

        page.locator("#layer-query label", has_text="10 it").click()
        wait_note(page, "10 it")
        assert "1 the" not in note(page) and page.locator("#layer-steps").is_hidden()

        page.locator("#layer-guess label", has_text="1 the").click()
        page.locator("#layer-steps").wait_for(state="visible", timeout=TIMEOUT)
        wait_note(page, "你猜的是" if zh else "You guessed")
        page.locator("#layer-plot-softmax .main-svg").first.wait_for(timeout=TIMEOUT)
        page.locator("#layer-plot-across .main-svg").first.wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(800)
        shot = screenshot(page, f"layer-{locale}")
        title = page.locator("#layer-plot-softmax .gtitle").text_content()
        assert ("总和 1.000000" if zh else "sum 1.000000") in title, (title, shot)

        # the class's text: the sentence, the examples offered, the special tokens
        content = {w for row in EXAMPLES for cell in row for w in WORD.findall(cell.lower())} | {"cls", "sep"}
        found = english_on(page, content)
        if zh:
            assert found == [], f"English sentences on the Chinese page: {found} (see {shot})"
        else:  # control: the same check sees the English page's sentences
            assert len(found) >= 5, found
        assert not page.watch.errors and not page.watch.external, (page.watch.errors, page.watch.external)
    finally:
        context.close()


def test_guess_first_off_opens_the_steps_and_a_new_sentence_restarts_the_query(playwright_session, app_server,
                                                                               tmp_path):
    context, page = open_layer(playwright_session, app_server, tmp_path / "off", "en-US")
    try:
        page.locator("#layer-guess-first input[type=checkbox]").uncheck()
        page.locator("#layer-run").click()
        page.locator("#layer-steps").wait_for(state="visible", timeout=TIMEOUT)
        page.locator("#layer-query label", has_text="13 tired").click()
        wait_note(page, "13 tired")
        assert "Guess first" not in note(page)
        page.locator("#layer-text textarea").fill("The cat sat on the mat.")  # position 13 is not in it
        page.locator("#layer-run").click()
        wait_note(page, "query token 1 the")
        page.locator("#layer-query label", has_text="7 .").wait_for(timeout=TIMEOUT)  # the new sentence's chips
        assert not page.locator(".toast-body.error").count()
    finally:
        context.close()


def test_a_deep_link_opens_its_layer_head_and_token(playwright_session, app_server, tmp_path):
    query = "?tab=layer&text=The+cat+sat+on+the+mat.&layer=3&head=6&token=3"
    context, page = open_layer(playwright_session, app_server, tmp_path / "link", "en-US", query)
    try:
        wait_note(page, "layer 3 of 6, head 6 of 12, query token 3 sat")
        assert page.locator("#tab-layer-button").get_attribute("aria-selected") == "true"
        page.locator("#layer-query input[type=radio]:checked").wait_for(state="attached", timeout=TIMEOUT)
        checked = page.locator("#layer-query label", has=page.locator("input:checked")).inner_text()
        assert checked.strip() == "3 sat"
        assert page.locator("#layer-layer input[type=number]").input_value() == "3"
    finally:
        context.close()


def test_a_figure_and_the_table_download(playwright_session, app_server, tmp_path):
    context, page = open_layer(playwright_session, app_server, tmp_path / "export", "en-US")
    try:
        page.locator("#layer-guess-first input[type=checkbox]").uncheck()
        page.locator("#layer-run").click()
        plot = page.locator("#layer-plot-softmax .js-plotly-plot")
        plot.locator(".main-svg").first.wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(500)
        export = plot.evaluate("(gd) => gd.layout.meta.export")
        width, height = plot.evaluate("(gd) => [gd._fullLayout.width, gd._fullLayout.height]")
        plot.hover()
        png = download(page, tmp_path, lambda: plot.locator(".modebar-btn[data-title*='png' i]").click())
        svg = download(page, tmp_path, lambda: plot.locator(".modebar-btn[data-title='SVG']").click())
        csv = download(page, tmp_path, lambda: page.locator("#tab-layer").get_by_role(
            "button", name="Download CSV").click())
        assert export == export_name("layer-softmax", TEXT)
        assert (png.name, svg.name, csv.name) == (f"{export}.png", f"{export}.svg", "bertlens-layer.csv")
        assert png_size(png.read_bytes()) == (2 * width, 2 * height)
        assert svg.read_text(encoding="utf-8").startswith("<svg") and ">2 animal<" in svg.read_text(encoding="utf-8")
        rows = csv.read_text(encoding="utf-8-sig").splitlines()
        assert rows[0].startswith("position,token,segment") and len(rows) == 17
        assert rows[3].split(",")[:2] == ["2", "animal"]
    finally:
        context.close()
