"""Every fixture the tests share, defined here and only here (builders and toy data: tests/tiny.py).

Session fixtures for what is expensive and never changed by a test: tiny random BERTs (English WordPiece,
Chinese characters, with pre-training heads, a base for fine-tuning and the classifiers ``train`` makes from
it), the real minilm weights, the shipped classifier, the real data in ../shared/data and the whole app
launched in-process. Module fixtures for what patches global state for as long as it lives.

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

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from components.core.models import LoadedModel, load_model  # noqa: E402
from tests.tiny import (  # noqa: E402
    CHINESE,
    CHINESE_PT,
    ENGLISH,
    ENGLISH_PT,
    GOEMOTIONS,
    MARKUP,
    SHARED_DATA,
    make_tiny_bert,
    write_toy,
)


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


@pytest.fixture(scope="session")
def pt_en_dir(tmp_path_factory) -> Path:
    """A tiny English BERT with both pre-training heads (masked-LM and next-sentence)."""
    from transformers import BertForPreTraining

    return make_tiny_bert(tmp_path_factory.mktemp("pt-en"), ENGLISH_PT, seed=11, kind=BertForPreTraining)


@pytest.fixture(scope="session")
def pt_zh_dir(tmp_path_factory) -> Path:
    """A tiny Chinese BERT with both pre-training heads."""
    from transformers import BertForPreTraining

    return make_tiny_bert(tmp_path_factory.mktemp("pt-zh"), CHINESE_PT, seed=12, kind=BertForPreTraining)


@pytest.fixture(scope="session")
def mlm_only_dir(tmp_path_factory) -> Path:
    """A tiny English BERT with the masked-LM head only."""
    from transformers import BertForMaskedLM

    return make_tiny_bert(tmp_path_factory.mktemp("mlm-en"), ENGLISH_PT, seed=13, kind=BertForMaskedLM)


@pytest.fixture
def minilm() -> LoadedModel:
    """The cached minilm (loaded again only if other tests' models pushed it out of the bounded cache)."""
    return load_model("minilm")


@pytest.fixture(scope="session")
def shipped():
    """The classifier the app ships (minilm fine-tuned on GoEmotions)."""
    from components.core.classifier import SHIPPED_CLASSIFIER, load_classifier

    return load_classifier(SHIPPED_CLASSIFIER)


@pytest.fixture(scope="module")
def empty_hf_cache(tmp_path_factory):
    """The Hugging Face cache pointed at an empty folder: no test depends on what this machine has cached."""
    import huggingface_hub.constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path_factory.mktemp("hf-cache")))
        yield Path(huggingface_hub.constants.HF_HUB_CACHE)


@pytest.fixture(scope="module")
def feature_cache(tmp_path_factory):
    """The sklearn-lr route's feature cache in a fresh folder for one module: hits are this module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        yield


# --- fine-tuning: a tiny base, toy data and the classifiers ``train`` makes from them ----------------------------

@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> str:
    """The tiny English BERT that fine-tuning tests train on (its vocabulary keeps markup characters)."""
    return str(make_tiny_bert(tmp_path_factory.mktemp("ft-tiny") / "bert", ENGLISH + MARKUP, seed=3))


@pytest.fixture(scope="session")
def data_file(tmp_path_factory) -> str:
    """The toy money / water data (tests/tiny.py), as the family path ``toy.jsonl`` of its three split files."""
    return write_toy(tmp_path_factory.mktemp("ft-toy"))


@pytest.fixture(scope="session")
def toy_runs(tiny_base, data_file, tmp_path_factory) -> dict[str, Path]:
    """{method: classifier directory} for head and lora trained on the toy data by ``train``."""
    from components.finetune.train import TrainArgs, train

    out = {}
    for method, epochs, lr in (("head", 30, 5e-2), ("lora", 10, 1e-2)):
        result = train(TrainArgs(data=data_file, base=tiny_base, method=method, epochs=epochs, lr=lr, batch_size=4,
                                 max_length=16, lora_r=4, lora_alpha=8, progress=False,
                                 out=str(tmp_path_factory.mktemp(f"ft-toy-{method}") / "clf")))
        out[method] = result.out
    return out


@pytest.fixture(scope="session")
def records_dir(toy_runs, tmp_path_factory) -> Path:
    """A records folder like assets/finetune/records, holding the toy runs' training records."""
    folder = tmp_path_factory.mktemp("ft-records")
    for method, directory in toy_runs.items():
        shutil.copy(directory / "training_record.json", folder / f"{method}.json")
    return folder


@pytest.fixture(scope="module")
def live_app(tiny_base, toy_runs, records_dir):
    """The app with the tiny base, the toy head classifier as the server's classifier, live training on (on
    GoEmotions, 28 labels: which classifier answered a /predict call is visible in its labels)."""
    if not (GOEMOTIONS / "train.tsv").is_file():
        pytest.fail(f"The live run reads GoEmotions from {GOEMOTIONS} (../shared/data beside the repo).")
    from components.core.services import AppConfig
    from components.finetune import records
    from components.ui.serving import serve

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "RECORDS_DIR", records_dir)
        config = AppConfig(models=(tiny_base,), default_model=tiny_base, classifier=str(toy_runs["head"]),
                           warm_up=False, concurrency=2)
        with serve(config, max_size=50) as demo:
            yield demo


# --- the app, served ---------------------------------------------------------------------------------------------

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


@pytest.fixture(scope="module")
def pt_app(empty_hf_cache, pt_en_dir, pt_zh_dir):
    """The app with minilm (the default, no heads) and a tiny English and Chinese BERT with heads."""
    from components.core.services import AppConfig
    from components.ui.serving import serve

    models = ("minilm", str(pt_en_dir), str(pt_zh_dir))
    with serve(AppConfig(models=models, default_model="minilm", warm_up=False, concurrency=2)) as demo:
        yield demo


@pytest.fixture(scope="module")
def pt_client(pt_app):
    from gradio_client import Client

    return Client(pt_app.local_url, verbose=False)


@pytest.fixture(scope="session")
def playwright_session():
    from tests.browser import chromium_path

    chromium_path()  # skip or fail early, before starting Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def umap_compiled():
    """UMAP's numba code compiled before a browser waits on it, as ``python app.py`` does before listening."""
    from components.polysemy import projection

    projection.warm_up()


@pytest.fixture()
def page(playwright_session, app_server, tmp_path):
    """A fresh English browser page on the app, with its requests and dialogs watched."""
    from tests.browser import open_app

    context, page = open_app(playwright_session, app_server, tmp_path / "page")
    yield page
    context.close()
