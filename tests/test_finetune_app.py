"""The live mini-run through the app, as gradio_client sees it: progress streams, the result is this session's
Predict classifier and nobody else's, Cancel and leaving stop it, one run at a time, and the switch that
turns it into an explanation."""

from __future__ import annotations

import json
import time

import pytest

from components.core.messages import Msg, t
from tests.tiny import shows, trainer_of

pytestmark = pytest.mark.slow
WAIT = 120  # seconds: generous bounds for a loaded CI machine, never a speed claim


def client_of(demo):
    from gradio_client import Client

    return Client(demo.local_url, verbose=False)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


def points(update) -> int:
    """How many loss values a /train update's plot shows (0 for an update that left the plot alone)."""
    plot = update[1] if isinstance(update[1], dict) else {}
    return len(json.loads(plot["plot"])["data"][0]["x"]) if "plot" in plot else 0


def labels_of(prediction) -> set[str]:
    return {c["label"] for c in prediction[2]["confidences"]}


def test_training_has_its_own_queue_of_one_and_the_comparison_is_in_the_heavy_lane(live_app):
    fns = {f.api_name: f for f in live_app.fns.values()}
    assert fns["train"].concurrency_id == "training" and fns["train"].concurrency_limit == 1
    assert fns["finetune_changes"].concurrency_id == "heavy"
    assert fns["cancel_training"].concurrency_id not in {"light", "heavy", "training"}


def test_a_live_run_streams_and_becomes_this_sessions_classifier_only(live_app):
    mine, theirs = client_of(live_app), client_of(live_app)
    before = theirs.predict("the bank of the river", "tuned", 0.5, api_name="/predict")
    assert labels_of(before) <= {"money", "water"}  # the server's (toy) classifier
    job = mine.submit("head", 50, api_name="/train")  # below the minimum: clamped to 500
    status, plot, result = job.result(timeout=WAIT)
    updates = job.outputs()
    drawn = [points(u) for u in updates if "plot" in u[1]]
    assert len(updates) >= 5 and drawn == sorted(drawn) and drawn[-1] == 32  # 500 examples / 16 per step
    assert shows(Msg("ft_live_done", examples=500), result) and status == ""
    own = mine.predict("the bank of the river", "tuned", 0.5, api_name="/predict")
    assert len(labels_of(own) - {"money", "water"}) >= 4  # GoEmotions labels: the live classifier answered
    assert shows("pred_session", own[1])
    other = theirs.predict("the bank of the river", "tuned", 0.5, api_name="/predict")
    assert labels_of(other) <= {"money", "water"} and not shows("pred_session", other[1])
    summary = mine.predict("mine", "the bank of the river", api_name="/finetune_changes")[0]
    assert shows(Msg("ft_chg_frozen", which=Msg("ft_named", name=Msg("ft_chg_mine"), detail="head")), summary)
    mine.close()
    theirs.close()


def test_cancel_stops_the_run_and_keeps_the_previous_classifier(live_app):
    trainer = trainer_of(live_app)
    client = client_of(live_app)
    job = client.submit("lora", 4000, api_name="/train")
    wait_until(lambda: trainer.running and any(points(o) for o in job.outputs()), "the first training steps")
    session = trainer.running[0]
    job.cancel()
    wait_until(lambda: not trainer.running, "the run to stop after Cancel")
    assert max(points(o) for o in job.outputs()) < 250  # 4,000 examples would have been 250 steps
    assert trainer.classifier_of(session) is None
    assert not any(trainer._session_dir(session, create=False).iterdir())  # the partial run was deleted
    client.close()


def test_the_cancel_button_answers_in_the_sessions_words(live_app):
    client = client_of(live_app)
    status, text = client.predict(api_name="/cancel_training")
    assert status == "" and text == t("ft_live_nothing", "en")
    client.close()


def test_a_second_train_waits_for_the_first(live_app):
    trainer = trainer_of(live_app)
    first, second = client_of(live_app), client_of(live_app)
    most = []
    jobs = [first.submit("head", 500, api_name="/train"), second.submit("head", 500, api_name="/train")]
    while not all(j.done() for j in jobs):
        most.append(len(trainer.running))
        time.sleep(0.02)
    assert max(most) == 1
    assert all(shows("ft_live_done", j.result()[2]) for j in jobs)
    first.close()
    second.close()


def test_a_client_that_leaves_mid_run_cancels_it(live_app):
    trainer = trainer_of(live_app)
    client = client_of(live_app)
    client.submit("lora", 4000, api_name="/train")
    wait_until(lambda: trainer.running, "the run to start")
    session = trainer.running[0]
    client.close()  # ends the heartbeat, as closing the browser tab does: Gradio runs the unload event
    folder = trainer._session_dir(session, create=False)
    wait_until(lambda: not trainer.running and not folder.exists(), "the run to stop and its folder to go")


def test_live_training_can_be_switched_off(tiny_base, toy_runs):
    from components.core.services import AppConfig, Services
    from components.ui.shell import build_demo

    demo = build_demo(Services(AppConfig(models=(tiny_base,), default_model=tiny_base, classifier=str(toy_runs["head"]),
                                         warm_up=False, live_training=False)))
    names = {f.api_name for f in demo.fns.values()}
    assert "train" not in names and "cancel_training" not in names and "finetune_changes" in names
    texts = [str(getattr(b, "value", "")) for b in demo.blocks.values()]
    assert any("ft_live_off" in text for text in texts)  # the explanation (an i18n label) instead of the button
