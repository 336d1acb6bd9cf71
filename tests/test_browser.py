"""The whole app in a real browser (headless Debian Chromium, offline), as a class sees it.

- A Chinese classroom (locale zh-CN) opens every tab the built app has (``LESSONS``), runs it, makes one
  mistake per tab, and reads no English sentence anywhere visible; a control proves the detector sees one.
- A teacher downloads a figure as PNG (2x) and SVG, a table as CSV and the bertviz views as one HTML file,
  and that file draws in a fresh page that can reach nothing.
- A link copied from the Attention tab, opened in a fresh browser, restores and re-runs that view.
- Markup typed by a student stays text; projector mode enlarges the page.
Screenshots go to artifacts/screenshots.
"""

from __future__ import annotations

import importlib
import re

import pytest

from components.core.messages import Msg, t
from components.ui.shell import LESSONS
from tests.browser import (
    assert_clean,
    download,
    english_sentences,
    open_app,
    open_context,
    png_size,
    screenshot,
)
from tests.tiny import shows

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("umap_compiled")]
TIMEOUT = 120_000
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[a-z]+")
PAYLOAD = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def tab_titles() -> dict[str, str]:
    """Each lesson's tab id -> its title key, from the lessons the app is built from."""
    return {module.TAB_ID: module.TITLE
            for module in (importlib.import_module(f"components.{name}.tab") for name in LESSONS)}


def open_tab(page, tab_id: str):
    page.locator(f"#tab-{tab_id}-button").click()
    panel = page.locator(f"#tab-{tab_id}")
    panel.wait_for(timeout=TIMEOUT)
    return panel


def run_and_wait(page, panel, button=None) -> None:
    """Click the tab's run button (its first primary button) and wait until its answer or an error arrived."""
    before = panel.inner_text()
    (button or panel.locator("button.primary").first).click()
    page.wait_for_function(
        "([id, before]) => document.querySelector('.toast-body') || document.getElementById(id).innerText !== before",
        arg=[panel.get_attribute("id"), before], timeout=TIMEOUT)
    page.locator(".eta-bar, .progress-text").first.wait_for(state="detached", timeout=TIMEOUT)
    page.wait_for_timeout(800)


def open_bertviz(page):
    """Open the Attention tab's bertviz accordion (its views are built only while it is open) and wait for them."""
    page.locator("#attention-bertviz-box button.label-wrap").click()
    frame = page.frame_locator("iframe[title^='bertviz']")
    frame.locator("#bl-head svg line").first.wait_for(timeout=TIMEOUT, state="attached")
    return frame


def close_toasts(page) -> None:
    page.evaluate("() => document.querySelectorAll('.toast-close').forEach((b) => b.click())")
    page.locator(".toast-body").first.wait_for(state="detached", timeout=TIMEOUT)


def content_words(page) -> set[str]:
    """The words of the text the page was given: what is typed in the boxes and the examples offered."""
    texts = page.evaluate("""() => [
        ...[...document.querySelectorAll('textarea, input[type=text]')].map((e) => e.value),
        ...[...document.querySelectorAll('[data-testid^=dataset-cell], .gallery-item')].map((e) => e.innerText)]""")
    return {w for text in texts for w in WORD.findall(text.lower())}


def visible_english(page, content: set[str]) -> list[str]:
    """Runs of 3+ English words (outside tokens, model names and code) in what the page shows: its text line
    by line, each chart text and the bertviz frames. A run made only of words the page was given as input or
    examples is the class's text, not the app's."""
    texts = page.locator("body").inner_text().splitlines()
    texts += page.locator(".main-svg text").all_text_contents()
    for frame in page.frames[1:]:
        if frame.frame_element().is_visible():  # a hidden frame's innerText would be its scripts' source
            texts += frame.locator("body").inner_text().splitlines()
    hits = [run for text in texts for run in english_sentences(text)]
    return [run for run in hits if not set(WORD.findall(run.lower())) <= content]


# a tab whose first primary button is not its quick view: Fine-tuning's is "Train" (a live run of minutes)
RUN_BUTTON = {"finetune": "#finetune-compare"}


def test_a_chinese_classroom_runs_every_tab_makes_a_mistake_and_reads_no_english(
        playwright_session, app_server, tmp_path):
    context, page = open_app(playwright_session, app_server, tmp_path / "zh", "zh-CN")
    found, seen = {}, set()
    try:
        for tab_id, title in tab_titles().items():
            panel = open_tab(page, tab_id)
            assert page.locator(f"#tab-{tab_id}-button").inner_text().strip() == t(title, "zh")
            seen |= content_words(page)
            button = panel.locator(RUN_BUTTON[tab_id]) if tab_id in RUN_BUTTON else None
            run_and_wait(page, panel, button)
            if tab_id == "attention":  # bertviz's views too, in Chinese
                open_bertviz(page)
            shot = screenshot(page, f"zh-{tab_id}")
            errors = page.locator(".toast-body.error").all_inner_texts()
            assert errors == [], f"{tab_id}: its default example failed: {errors} (see {shot})"
            found[tab_id] = visible_english(page, seen)
            for box in panel.locator("textarea:visible").all():  # the cheapest mistake: nothing typed
                if box.is_editable():
                    box.fill("")
            if tab_id == "finetune":  # its mistake: compare "the classifier I trained" before training one
                panel.locator("#finetune-which input[type=radio]").nth(1).check()
            run_and_wait(page, panel, button)
            toast = page.locator(".toast-body.error").first
            toast.wait_for(timeout=TIMEOUT)
            shot = screenshot(page, f"zh-{tab_id}-error")
            message = toast.locator("[data-testid=toast-text]").inner_text()
            assert CHINESE.search(message), f"{tab_id}: the error is not in Chinese: {message!r} (see {shot})"
            found[f"{tab_id} error"] = visible_english(page, seen)
            close_toasts(page)
        open_tab(page, "about")
        page.wait_for_timeout(500)
        screenshot(page, "zh-about")
        found["about"] = visible_english(page, seen)
        found = {where: runs for where, runs in found.items() if runs}
        assert found == {}, f"English sentences in the Chinese classroom: {found}"
        assert_clean(page, "Chinese classroom")
    finally:
        context.close()


def test_the_english_detector_sees_english_ui_and_a_sentence_planted_in_chinese(
        playwright_session, app_server, tmp_path):
    context, page = open_app(playwright_session, app_server, tmp_path / "en")
    try:
        panel = open_tab(page, "tokens")
        run_and_wait(page, panel)
        english = visible_english(page, content_words(page))
        assert len(english) >= 3, f"the detector saw no English on the English page: {english}"
        page.locator("#language-switch label", has_text="中文").click()
        page.wait_for_function("() => document.documentElement.lang.startsWith('zh')", timeout=TIMEOUT)
        run_and_wait(page, panel)
        screenshot(page, "zh-switched-tokens")
        assert visible_english(page, content_words(page)) == [], "the language switch left English behind"
        for tab_id, title in tab_titles().items():  # every tab's name, opened or not (one-word names included)
            assert page.locator(f"#tab-{tab_id}-button").inner_text().strip() == t(title, "zh"), tab_id
        page.evaluate("() => { const p = document.createElement('p'); p.textContent = 'Type a sentence first.'; "
                      "document.querySelector('#tab-tokens').appendChild(p); }")
        assert visible_english(page, content_words(page)) == ["Type a sentence first"]
    finally:
        context.close()


def test_a_figure_a_table_and_bertviz_download_and_the_html_draws_offline(
        playwright_session, app_server, tmp_path):
    context, page = open_app(playwright_session, app_server, tmp_path / "en")
    try:
        panel = open_tab(page, "tokens")
        run_and_wait(page, panel)
        plot = page.locator("#tokens-plot .js-plotly-plot")
        export = plot.evaluate("(gd) => gd.layout.meta.export")
        width, height = plot.evaluate("(gd) => [gd._fullLayout.width, gd._fullLayout.height]")
        plot.hover()
        png = download(page, tmp_path, lambda: plot.locator(".modebar-btn[data-title*='png' i]").click())
        svg = download(page, tmp_path, lambda: plot.locator(".modebar-btn[data-title='SVG']").click())
        csv = download(page, tmp_path, lambda: panel.get_by_role("button", name="Download CSV").click())
        assert export == "bertlens-tokens-the-bank-raised-interest-rates"
        assert (png.name, svg.name, csv.name) == (f"{export}.png", f"{export}.svg", "bertlens-tokens.csv")
        assert png_size(png.read_bytes()) == (2 * width, 2 * height)  # projector-ready
        drawing = svg.read_text(encoding="utf-8")
        assert drawing.startswith("<svg") and drawing.rstrip().endswith("</svg>") and ">interest<" in drawing
        rows = csv.read_text(encoding="utf-8-sig").splitlines()
        headers = panel.locator("#tokens-table thead th").all_inner_texts()
        assert rows[0].split(",") == [h.strip() for h in headers if h.strip()], (rows[0], headers)
        assert rows[1].startswith("0,[CLS]") and rows[-1].split(",")[1] == "[SEP]" and len(rows) == 9

        panel = open_tab(page, "attention")
        run_and_wait(page, panel)
        open_bertviz(page)
        html = download(page, tmp_path, lambda: page.locator("#bertviz-download").click())
        assert html.name == "bertlens-bertviz.html" and 5_000 < html.stat().st_size < 1_500_000
        assert_clean(page, "downloads")
    finally:
        context.close()
    offline = open_context(playwright_session, tmp_path / "offline")
    try:
        requests = []
        offline.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else (requests.append(route.request.url), route.abort()))
        viewer = offline.new_page()
        viewer.on("request", lambda request: requests.append(request.url))
        viewer.goto(html.as_uri(), wait_until="load")
        viewer.locator("#bl-head svg line").first.wait_for(state="attached", timeout=TIMEOUT)
        viewer.locator("#bl-model svg rect").first.wait_for(state="attached", timeout=TIMEOUT)
        shot = screenshot(viewer, "bertviz-offline")
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == [], shot
    finally:
        offline.close()


def set_slider(page, elem_id: str, value: int) -> None:
    box = page.locator(f"#{elem_id} input[type=number]")
    box.fill(str(value))
    box.press("Enter")


def test_a_copied_attention_link_restores_the_view_in_a_fresh_browser(playwright_session, app_server, tmp_path):
    text = "The cat sat on the mat because it was warm."
    context, page = open_app(playwright_session, app_server, tmp_path / "teacher")
    try:
        panel = open_tab(page, "attention")
        page.locator("#attention-text textarea").fill(text)
        set_slider(page, "attention-layer", 4)
        set_slider(page, "attention-head", 3)
        page.locator("#attention-view label", has_text="one head").click()
        # Leaving a slider's box and changing the view each redraw the sentence already in the box, so the answers
        # arrive in an order the page does not fix: wait for this sentence's heatmap with the chosen view.
        panel.locator("button.primary").first.click()
        page.wait_for_function(
            "() => document.querySelector('#attention-plot .gtitle')?.textContent === 'minilm: layer 4, head 3' &&"
            " [...document.querySelectorAll('#attention-plot .ytick text')].some(t => t.textContent === 'cat')",
            timeout=TIMEOUT)
        page.locator("#copy-link").click()
        page.wait_for_function("() => document.querySelector('#view-link textarea, #view-link input').value",
                               timeout=TIMEOUT)
        link = page.locator("#view-link textarea, #view-link input").first.input_value()
    finally:
        context.close()
    assert link.startswith(app_server.local_url.rstrip("/") + "/?") and "tab=attention" in link, link
    context, page = open_app(playwright_session, app_server, tmp_path / "student", query=link.split("/", 3)[3])
    try:
        page.locator("#attention-plot .heatmaplayer").wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(800)
        shot = screenshot(page, "deep-link-attention")
        assert page.locator("#tab-attention-button").get_attribute("aria-selected") == "true", shot
        assert page.locator("#attention-text textarea").input_value() == text, shot
        assert page.locator("#attention-layer input[type=number]").input_value() == "4", shot
        assert page.locator("#attention-head input[type=number]").input_value() == "3", shot
        assert page.locator("#attention-plot .gtitle").text_content() == "minilm: layer 4, head 3", shot
        assert_clean(page, "deep link")
    finally:
        context.close()


def test_a_layer_typed_and_entered_redraws_the_heatmap(playwright_session, app_server, tmp_path):
    """A teacher types a layer into the slider's box and presses Enter: the heatmap follows (Gradio itself redraws
    only when the box loses focus; assets/app.js makes Enter leave it). Control: typing alone redraws nothing."""
    context, page = open_app(playwright_session, app_server, tmp_path / "enter")
    try:
        panel = open_tab(page, "attention")
        run_and_wait(page, panel)
        title = "() => document.querySelector('#attention-plot .gtitle')?.textContent"
        assert page.evaluate(title) == "minilm: layer 3, mean of 12 heads"
        box = page.locator("#attention-layer input[type=number]")
        box.fill("5")
        page.wait_for_timeout(1500)
        assert page.evaluate(title) == "minilm: layer 3, mean of 12 heads"  # control: not yet, the box has focus
        box.press("Enter")
        page.wait_for_function(f"() => ({title})() === 'minilm: layer 5, mean of 12 heads'", timeout=TIMEOUT)
        assert_clean(page, "Enter in a slider's box")
    finally:
        context.close()


def test_the_evaluate_panel_shows_the_file_box_only_for_a_file(playwright_session, app_server, tmp_path):
    context, page = open_app(playwright_session, app_server, tmp_path / "evaluate")
    try:
        open_tab(page, "finetune")
        page.get_by_text("Evaluate a classifier, label by label").click()
        box = page.locator("#evaluate-file")
        box.wait_for(state="visible", timeout=TIMEOUT)  # control: "my file" is the default, and its box is shown
        page.locator("#evaluate-source label", has_text="GoEmotions test split").click()
        box.wait_for(state="hidden", timeout=TIMEOUT)
        page.locator("#evaluate-source label", has_text="my file").click()
        box.wait_for(state="visible", timeout=TIMEOUT)
        assert_clean(page, "evaluate panel")
    finally:
        context.close()


def test_markup_typed_into_every_text_box_of_every_tab_stays_text(page):
    """Every visible text box of every tab gets markup; nothing may run, be fetched or be drawn as markup."""
    for tab_id in tab_titles():
        panel = open_tab(page, tab_id)
        for box in panel.locator("textarea:visible, input[type=text]:visible").all():
            if box.is_editable():
                box.fill(PAYLOAD)
        run_and_wait(page, panel)
        shot = screenshot(page, f"markup-{tab_id}")
        assert page.locator("img[src='x']").count() == 0, f"{tab_id}: the markup became an image (see {shot})"
        assert_clean(page, f"{tab_id} tab with markup in every text box")
        if page.locator(".toast-body").count():
            close_toasts(page)
    # negative control: the same markup, unescaped, is seen by these checks
    page.evaluate("(html) => { const d = document.createElement('div'); d.innerHTML = html; "
                  "document.querySelector('.gradio-container').appendChild(d); }", PAYLOAD)
    page.wait_for_timeout(1_000)
    assert page.locator("img[src='x']").count() == 1 and page.watch.injected


def test_attention_draws_a_heatmap_and_both_bertviz_views_offline(page):
    panel = open_tab(page, "attention")
    run_and_wait(page, panel)
    assert page.locator("iframe[title^='bertviz']").count() == 0  # closed: nothing built, nothing sent
    frame = open_bertviz(page)
    frame.locator("#bl-model svg rect").first.wait_for(timeout=TIMEOUT, state="attached")
    page.locator("iframe[title^='bertviz']").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # headless Chromium paints an iframe only once it is in the viewport
    shot = screenshot(page, "attention")
    assert page.locator("#attention-plot .heatmaplayer").count() == 1, shot
    assert frame.locator("#bl-head svg line").count() > 0 and frame.locator("#bl-model svg rect").count() > 0, shot
    assert_clean(page, "Attention tab")


PROJECTOR_SIZES = """(sel) => { const out = {}; for (const [k, s] of Object.entries(sel)) {
    const e = document.querySelector(s); out[k] = e ? parseFloat(getComputedStyle(e).fontSize) : null; }
  const gd = document.querySelector('#attention-plot .js-plotly-plot')._fullLayout;
  Object.assign(out, {plot: gd.font.size, plot_title: gd.title.font.size, plot_ticks: gd.xaxis.tickfont.size,
                      plot_hover: gd.hoverlabel.font.size});
  out.bertviz = parseFloat(getComputedStyle(document.querySelector('iframe[title^=bertviz]')).zoom);
  for (const [k, s] of [['checkbox', '#projector-toggle input[type=checkbox]'], ['radio', '#attention-view input']]) {
    out[k] = document.querySelector(s).getBoundingClientRect().width; }  // the boxes themselves, not only their text
  return out; }"""
# The bertviz frame's drawn width over its box's: 1 when it fills the accordion (zoom must not leave it a third short).
FRAME_FILL = """() => { const f = document.querySelector('iframe[title^=bertviz]');
  return f.getBoundingClientRect().width / f.parentElement.getBoundingClientRect().width; }"""
READ_IN_CLASS = {"tab": "button[role=tab]", "choice": "#attention-view label span",
                 "label": "#attention-text label span", "info": "#attention-layer .info-text",
                 "note": "#tab-attention .prose p", "box": "#attention-text textarea",
                 "button": "#tab-attention button.primary", "table": "#tab-attention table td",
                 "toggle": "#projector-toggle label span"}


def test_projector_mode_enlarges_everything_a_class_reads_and_is_remembered(playwright_session, app_server, tmp_path):
    """Every text a class reads at least 1.5x: the page's own (tab names, choices, labels, info lines, notes,
    tables, buttons), the figures' (fonts, titles, ticks, hover labels) and the bertviz views. Switching it off
    is the control: every size returns to what it was. Remembered on reload and carried by a link."""
    context, page = open_app(playwright_session, app_server, tmp_path / "projector")
    try:
        panel = open_tab(page, "attention")
        run_and_wait(page, panel)
        open_bertviz(page)  # its views are built once their accordion is open
        before = page.evaluate(PROJECTOR_SIZES, READ_IN_CLASS)
        page.locator("#projector-toggle input[type=checkbox]").check()
        page.wait_for_function("() => document.querySelector('#attention-plot .js-plotly-plot')._fullLayout.font.size"
                               " > 20", timeout=TIMEOUT)
        page.wait_for_timeout(1000)  # buttons ease their size in
        after = page.evaluate(PROJECTOR_SIZES, READ_IN_CLASS)
        shot = screenshot(page, "projector-attention")
        small = {k: (before[k], after[k]) for k in before if not after[k] >= 1.5 * before[k] - 0.01}
        assert small == {}, shot
        assert page.evaluate(FRAME_FILL) > 0.95, shot  # enlarged, and still as wide as its box
        page.locator("#projector-toggle input[type=checkbox]").uncheck()  # the control: back to the page's sizes
        page.wait_for_function("() => document.querySelector('#attention-plot .js-plotly-plot')._fullLayout.font.size"
                               " < 20", timeout=TIMEOUT)
        page.wait_for_timeout(1000)
        assert page.evaluate(PROJECTOR_SIZES, READ_IN_CLASS) == before
        assert page.evaluate(FRAME_FILL) > 0.95
        page.locator("#projector-toggle input[type=checkbox]").check()
        page.reload(wait_until="load")
        page.wait_for_function("() => document.body.classList.contains('projector') && "
                               "document.querySelector('#projector-toggle input').checked", timeout=TIMEOUT)
        page.locator("#copy-link").click()
        page.wait_for_function("() => document.querySelector('#view-link textarea, #view-link input').value",
                               timeout=TIMEOUT)
        assert "projector=1" in page.locator("#view-link textarea, #view-link input").first.input_value()
    finally:
        context.close()
    context, page = open_app(playwright_session, app_server, tmp_path / "linked", query="?projector=1")
    try:  # a fresh browser, nothing remembered: the link alone turns it on
        page.wait_for_function("() => document.body.classList.contains('projector') && "
                               "document.querySelector('#projector-toggle input').checked", timeout=TIMEOUT)
    finally:
        context.close()


def slider_range(page, elem_id: str) -> tuple[str, str, str]:
    box = page.locator(f"#{elem_id} input[type=range]")
    value = page.locator(f"#{elem_id} input[type=number]").input_value()
    return box.get_attribute("min"), box.get_attribute("max"), value


def choose_model(page, name: str) -> None:
    menu = page.locator("#model-menu input")
    menu.click()
    page.locator("ul[role=listbox] li", has_text=name).first.click()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_layer_and_head_sliders_follow_the_model_at_load_and_after_a_switch(playwright_session, app_server, tmp_path,
                                                                            tiny_en_dir, locale):
    """minilm has 6 layers of 12 heads, the tiny test model 2 of 4: every layer/head slider's range is the
    menu model's own, before any run and after a switch, and a value beyond it is brought back."""
    context, page = open_app(playwright_session, app_server, tmp_path / locale, locale)
    try:
        open_tab(page, "polysemy")
        assert slider_range(page, "polysemy-layer")[:2] == ("0", "6")  # hidden states: 0 is the embedding output
        open_tab(page, "pretraining")
        assert slider_range(page, "pretraining-layer") == ("1", "6", "6")
        open_tab(page, "attention")
        assert slider_range(page, "attention-layer") == ("1", "6", "3")
        assert slider_range(page, "attention-head")[:2] == ("1", "12")
        set_slider(page, "attention-head", 9)
        choose_model(page, str(tiny_en_dir))
        page.wait_for_function("() => document.querySelector('#attention-layer input[type=range]').max === '2'",
                               timeout=TIMEOUT)
        shot = screenshot(page, f"{locale}-sliders-tiny")
        assert slider_range(page, "attention-layer") == ("1", "2", "2"), shot
        assert slider_range(page, "attention-head") == ("1", "4", "4"), shot
        open_tab(page, "polysemy")
        assert slider_range(page, "polysemy-layer")[:2] == ("0", "2"), shot
        open_tab(page, "pretraining")
        assert slider_range(page, "pretraining-layer")[:2] == ("1", "2"), shot
        open_tab(page, "attention")
        choose_model(page, "minilm")
        page.wait_for_function("() => document.querySelector('#attention-layer input[type=range]').max === '6'",
                               timeout=TIMEOUT)
        assert slider_range(page, "attention-head")[:2] == ("1", "12")
    finally:
        context.close()


def test_a_link_to_layer_9_on_minilm_opens_layer_6_and_says_so(playwright_session, app_server, tmp_path):
    context, page = open_app(playwright_session, app_server, tmp_path / "link9",
                             query="?tab=attention&text=The+cat+sat.&layer=9&head=2&view=head")
    try:
        page.locator("#attention-plot .heatmaplayer").wait_for(timeout=TIMEOUT)
        shot = screenshot(page, "link-layer-9")
        assert slider_range(page, "attention-layer") == ("1", "6", "6"), shot
        title = t("attn_title_head", "en", model="minilm", layer=6, head=2)
        assert page.locator("#attention-plot .gtitle").text_content() == title, shot
        clamped = Msg("num_clamped", model="minilm", what=Msg("num_what_layer"), asked="9", shown=6)
        assert shows(clamped, page.locator(".toast-body").first.inner_text()), shot
    finally:
        context.close()


@pytest.mark.parametrize("tab_id, box, result", [("predict", "#predict-text textarea", "#predict-plot .main-svg"),
                                                 ("attention", "#attention-text textarea", "#attention-plot .main-svg"),
                                                 ("tokens", "#tokens-text textarea", "#tokens-plot .main-svg")])
def test_an_error_after_a_success_clears_the_previous_sentences_results(page, tab_id, box, result):
    """Twice in one page: the clearing once worked a single time per server (the updates it returned were
    shared between calls and consumed by Gradio the first time)."""
    panel = open_tab(page, tab_id)
    sentence = page.locator(box).input_value()
    for attempt in range(2):
        page.locator(box).fill(sentence)
        run_and_wait(page, panel)
        page.locator(result).first.wait_for(timeout=TIMEOUT)  # the control: this sentence's figure is on screen
        page.locator(box).fill("   ")
        run_and_wait(page, panel)  # the error's toast appears (and closes by itself a few seconds later)
        shot = screenshot(page, f"{tab_id}-error-clears-{attempt}")
        page.wait_for_function(f"() => !document.querySelector('{result}')", timeout=TIMEOUT)
        assert page.locator(result).count() == 0, shot
        assert page.locator(f"#tab-{tab_id} input, #tab-{tab_id} textarea").count() > 0, shot  # controls stay controls
