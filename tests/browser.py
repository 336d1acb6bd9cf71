"""Helpers for the real-browser tests: Debian's Chromium driven by Playwright, offline.

Never downloads a browser (no `playwright install`): the executable is `chromium` from apt.
Every request the page makes is recorded, so a test can prove nothing left the machine.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from components.ui.serving import CHROMIUM_ARGS, chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
XSS_PAYLOADS = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
_WORD = r"\b(?:[A-Za-z][a-z]+(?:'[a-z]+)?|[aAI])\b"  # 'Type a sentence first' is four words, 'didn't' one
ENGLISH_RUN = re.compile(rf"{_WORD}(?:[ ,'-]+{_WORD}){{2,}}")  # three or more English words in a row
# code, placeholders, URLs, paths, special tokens and model names such as bert-base-chinese
ALLOWED = re.compile(r"`[^`]*`|\{[^}]*\}|https?://\S+|[\w.-]+/[\w./-]+|\[[A-Z]+\]|\b[a-z0-9]+(?:-[a-z0-9]+)+\b")


def chromium_path() -> str:
    path = chromium()
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed; .ci/run installs it with apt-get.")
    pytest.skip("Browser tests need Debian's chromium: apt-get install -y chromium")


@dataclass
class Watch:
    """What a page did that a test may want to assert never happened."""

    external: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)  # e.g. GET /x from an <img src=x> that became markup
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOCAL_HOSTS:
            self.external.append(request.url)
        if url.path.rstrip("/").endswith("/x"):
            self.injected.append(request.url)

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words outside code, placeholders, paths, special tokens and model names."""
    return ENGLISH_RUN.findall(ALLOWED.sub(" ", text))


def open_context(playwright, user_data_dir: Path, locale: str = "en-US"):
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS),
        locale=locale, viewport={"width": 1400, "height": 1000},
    )


def watch_page(page) -> Watch:
    watch = Watch()
    page.on("request", watch.on_request)
    page.on("dialog", watch.on_dialog)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    return watch


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_app(playwright, app_server, profile: Path, locale: str = "en-US", query: str = "", timeout: int = 120_000):
    """A fresh browser profile on the app, after the page-load event applied the language (and the link).

    Waits for "load" and then the language switch, never for "networkidle": Gradio's heartbeat request keeps the
    network busy for as long as the page is open."""
    context = open_context(playwright, profile, locale=locale)
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(app_server.local_url.rstrip("/") + "/" + query, wait_until="load")
    lang = "zh" if locale.startswith("zh") else "en"
    page.locator(f"#language-switch input[value={lang}]:checked").wait_for(state="attached", timeout=timeout)
    return context, page


def download(page, tmp_path: Path, click, timeout: int = 120_000) -> Path:
    """The file ``click()`` makes the page download, saved under ``tmp_path`` by its suggested name."""
    with page.expect_download(timeout=timeout) as info:
        click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, read from its IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", data[:16]
    return struct.unpack(">II", data[16:24])


def assert_clean(page, where: str) -> None:
    """Nothing a page must never do happened: no script ran, nothing left the machine, no user text became
    markup, no script error."""
    watch = page.watch
    assert not watch.dialogs, f"{where}: a script ran (dialog: {watch.dialogs})"
    assert not watch.external, f"{where}: requests left the machine: {watch.external[:5]}"
    assert not watch.injected, f"{where}: user text became markup and fetched {watch.injected[:3]}"
    assert not watch.errors, f"{where}: the page raised {watch.errors[:3]}"


def open_teacher_note(box) -> str:
    """Open the folded "For the teacher" note inside ``box`` (a toast or a note) as a teacher would; its text."""
    folded = box.locator("details.bl-teacher").first
    folded.wait_for(timeout=30_000)
    folded.locator("summary").click()
    return folded.inner_text()
