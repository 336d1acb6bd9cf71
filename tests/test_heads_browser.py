"""The Head roles tab in headless Chromium, English and zh-CN: the grid is drawn, its labels are in the
session's language, and a head's link opens the Attention tab on that sentence at that layer and head."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import open_context, screenshot, watch_page

pytestmark = pytest.mark.browser
TIMEOUT = 120_000


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_grid_is_drawn_and_a_head_link_opens_its_attention(playwright_session, app_server, tmp_path, locale):
    context = open_context(playwright_session, tmp_path / locale, locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    try:
        page.goto(app_server.local_url.rstrip("/") + "/?tab=heads", wait_until="load")
        page.locator("#heads-run").click()
        page.wait_for_function("() => [...document.querySelectorAll('#heads-grid .main-svg text')]"
                               ".some((e) => e.textContent.includes('minilm'))", timeout=TIMEOUT)
        shot = screenshot(page, f"heads-{locale}")
        texts = " ".join(page.locator("#heads-grid .main-svg text").all_text_contents())
        assert ("每个注意力头的主要分工" in texts) == locale.startswith("zh"), f"grid text {texts[:200]!r} (see {shot})"
        assert ("dominant role" in texts) == locale.startswith("en")
        page.locator("#heads-table a").first.wait_for(timeout=TIMEOUT)
        link = page.locator("#heads-table a").first
        href = link.get_attribute("href")
        query = parse_qs(urlparse(href).query)
        # minilm's strongest head is its previous-token head, layer 1 head 3 (from 1)
        assert query["tab"] == ["attention"] and query["layer"] == ["1"] and query["head"] == ["3"]
        page.goto(app_server.local_url.rstrip("/") + "/" + href.split("/")[-1], wait_until="load")
        page.locator("#attention-plot .main-svg").first.wait_for(timeout=TIMEOUT)
        box = page.locator("#tab-attention textarea").first
        page.wait_for_function("(t) => [...document.querySelectorAll('#tab-attention textarea')]"
                               ".some((e) => e.value === t)", arg=query["text"][0], timeout=TIMEOUT)
        assert box.is_visible()
        screenshot(page, f"heads-link-{locale}")
    finally:
        context.close()
