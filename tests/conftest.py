"""Session fixtures: tiny random BERTs (English WordPiece and Chinese characters), the real
minilm weights, the real data in ../shared/data, and the whole app launched in-process.

No test touches the network: HF_HUB_OFFLINE is set before anything imports huggingface_hub.
"""

from __future__ import annotations

import os
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"
# an empty Hugging Face cache: no test depends on what this machine happens to have prefetched
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="bertlens-hf-")
os.environ.pop("HF_HUB_CACHE", None)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from components.core.models import LoadedModel, load_model  # noqa: E402
from tests.tiny import CHINESE, ENGLISH, make_tiny_bert  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "README.md").is_file():
        pytest.fail(f"The real data is expected at {SHARED_DATA} (../shared/data beside the repo).")
    return SHARED_DATA


@pytest.fixture(scope="session")
def tiny_en_dir(tmp_path_factory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("tiny-en"), ENGLISH, seed=1)


@pytest.fixture(scope="session")
def tiny_zh_dir(tmp_path_factory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("tiny-zh"), CHINESE, seed=2)


@pytest.fixture(scope="session")
def tiny_en(tiny_en_dir) -> LoadedModel:
    return load_model(str(tiny_en_dir))


@pytest.fixture(scope="session")
def tiny_zh(tiny_zh_dir) -> LoadedModel:
    return load_model(str(tiny_zh_dir))


@pytest.fixture
def minilm() -> LoadedModel:
    """The cached minilm (loaded again only if other tests' models pushed it out of the bounded cache)."""
    return load_model("minilm")


@pytest.fixture(scope="session")
def app_server(tiny_en_dir, tiny_zh_dir):
    """The real app (minilm default, tiny models selectable) served on a free loopback port."""
    from components.core.services import AppConfig
    from components.ui.serving import serve

    config = AppConfig(models=("minilm", str(tiny_en_dir), str(tiny_zh_dir), "bert-base-chinese"),
                       default_model="minilm", warm_up=False, concurrency=4)
    with serve(config, max_size=200) as demo:
        yield demo


@pytest.fixture(scope="session")
def client(app_server):
    from gradio_client import Client

    return Client(app_server.local_url, verbose=False)


@pytest.fixture(scope="session")
def playwright_session():
    from tests.browser import chromium_path

    chromium_path()  # skip or fail early, before starting Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture()
def page(playwright_session, app_server, tmp_path):
    """A fresh English browser page on the app, with its requests and dialogs watched."""
    from tests.browser import open_context, watch_page

    context = open_context(playwright_session, tmp_path / "profile")
    page = context.new_page()
    page.watch = watch_page(page)
    page.goto(app_server.local_url, wait_until="networkidle")
    yield page
    context.close()
