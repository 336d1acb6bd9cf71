"""What the Fine-tuning tab's tests share: training records and a classifier produced by ``train`` on a tiny
random BERT and the toy money/water data, and the whole app served around them.

The app's own classifier (what every session's Predict uses) is the toy one, with the labels ``money`` and
``water``; a live run trains on GoEmotions (28 labels) from ../shared/data. So which classifier answered a
``/predict`` call is visible in its labels.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.ui.serving import endpoint
from tests.finetune_train_fixtures import write_toy
from tests.tiny import ENGLISH, make_tiny_bert

GOEMOTIONS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "goemotions"


MARKUP = ["<", ">", "/", "b", "img", "src", "=", "x"]  # so injection payloads survive tokenization


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> str:
    return str(make_tiny_bert(tmp_path_factory.mktemp("ft-tiny") / "bert", ENGLISH + MARKUP, seed=3))


@pytest.fixture(scope="module")
def toy_runs(tiny_base, tmp_path_factory) -> dict[str, Path]:
    """{method: classifier directory} for head and lora trained on the toy data by ``train``."""
    from components.finetune.train import TrainArgs, train

    data = write_toy(tmp_path_factory.mktemp("ft-toy"))
    out = {}
    for method, epochs, lr in (("head", 30, 5e-2), ("lora", 10, 1e-2)):
        result = train(TrainArgs(data=data, base=tiny_base, method=method, epochs=epochs, lr=lr, batch_size=4,
                                 max_length=16, lora_r=4, lora_alpha=8, progress=False,
                                 out=str(tmp_path_factory.mktemp(f"ft-toy-{method}") / "clf")))
        out[method] = result.out
    return out


@pytest.fixture(scope="module")
def records_dir(toy_runs, tmp_path_factory) -> Path:
    """A records folder like assets/finetune/records, holding the toy runs' training records."""
    folder = tmp_path_factory.mktemp("ft-records")
    for method, directory in toy_runs.items():
        shutil.copy(directory / "training_record.json", folder / f"{method}.json")
    return folder


@pytest.fixture(scope="module")
def live_app(tiny_base, toy_runs, records_dir):
    """The app with the tiny base, the toy head classifier as the server's classifier, live training on."""
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


def trainer_of(demo):
    """The server's LiveTrainer, reached through the /train event's function."""
    return endpoint(demo, "train").trainer
