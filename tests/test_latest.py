"""The newest request of a view wins: an older answer arriving after a newer one is dropped, per session.

The app-level case is the one a class meets: a slider's redraw still waiting (for a batch, a permit) while the
student presses Run on a new sentence; the redraw finishes last. Control: the same two events wired straight
to Gradio show the old answer last.
"""

from __future__ import annotations

import threading
import time

import gradio as gr
import pytest
from gradio_client import Client

from components.core.lanes import waiting
from components.core.latest import Latest
from components.core.services import AppConfig, Services
from components.ui.serving import free_port
from components.ui.widgets import TabContext, newest_wins


def test_an_older_ticket_is_not_shown_after_a_newer_one():
    latest = Latest()
    old, new = latest.begin("view"), latest.begin("view")
    assert latest.shown("view", new) and latest.superseded("view", old) and not latest.shown("view", old)
    # in order, both are shown; other views and sessions are their own
    a, b = latest.begin("v"), latest.begin("v")
    assert latest.shown("v", a) and latest.shown("v", b)
    c, d = latest.begin(("s1", 1)), latest.begin(("s2", 1))
    assert latest.shown(("s2", 1), d) and latest.shown(("s1", 1), c)


def test_the_memory_of_views_is_bounded():
    latest = Latest(capacity=3)
    for k in range(10):
        assert latest.shown(k, latest.begin(k))
    assert len(latest._shown) == 3


def slow_then_fast(wire) -> gr.Blocks:
    """A view whose answer takes ``delay`` seconds, waiting without its worker permit as a batched forward does."""
    services = Services(AppConfig(models=("minilm",), warm_up=False))
    with gr.Blocks() as demo:
        ctx = TabContext(services=services, i18n=gr.I18n(), model=gr.Dropdown(["minilm"]), lang=gr.State("en"),
                         session_classifier=gr.State(None))
        text, delay, shown = gr.Textbox(), gr.Number(), gr.Markdown()

        def view(sentence: str, seconds: float) -> str:
            with waiting():
                time.sleep(seconds)
            return sentence

        wire(ctx, gr.Button().click, view, [text, delay], shown)
    return demo


def answers(demo) -> dict[str, object]:
    """One browser session: the old sentence's request starts first and ends last."""
    demo.queue(default_concurrency_limit=None).launch(server_name="127.0.0.1", server_port=free_port(),
                                                     prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        old = client.submit("old sentence", 1.5, api_name="/view")
        time.sleep(0.5)  # the old request is inside, waiting
        new = client.submit("new sentence", 0.0, api_name="/view")
        return {"new": new.result(timeout=60), "old": old.result(timeout=60)}
    finally:
        demo.close()


@pytest.mark.parametrize("guarded", [True, False])
def test_a_slow_older_answer_never_replaces_a_newer_one(guarded):
    def wire(ctx, trigger, fn, inputs, outputs):
        if guarded:
            return ctx.light(trigger, fn, inputs, outputs, api_name="view")
        lane = ctx.services.budget.light  # control: the same lane, without the newest-wins wrapper
        return trigger(ctx.services.light_permits.wrap(fn), inputs, outputs, concurrency_id=lane.name,
                       concurrency_limit=lane.slots, api_name="view")

    got = answers(slow_then_fast(wire))
    assert got["new"] == "new sentence"
    if guarded:
        assert got["old"] != "old sentence", got  # dropped: the screen keeps the new sentence's answer
    else:
        assert got["old"] == "old sentence", got  # without it, the stale answer arrives last and stays


def test_a_call_without_a_session_is_never_dropped():
    calls = []

    def fn(x):
        calls.append(x)
        return x

    wrapped = newest_wins(fn, gr.Markdown())
    assert wrapped("a") == "a" and calls == ["a"]  # no gr.Request: called as it is


def test_the_wrapper_keeps_gradios_special_arguments_in_place():
    """gr.Progress keeps its place after the request the wrapper adds in front."""
    import inspect

    def heavy(text: str, lang: str = "en", progress=gr.Progress()):  # noqa: B008 - Gradio's own idiom
        return text

    wrapped = newest_wins(heavy, [gr.Markdown(), gr.Plot()])
    params = list(inspect.signature(wrapped).parameters)
    assert params == ["_bl_request", "text", "lang", "progress"]
    from gradio.helpers import special_args

    request = gr.Request(username=None, session_hash="abc")
    inputs, progress_index, _, _ = special_args(wrapped, ["hi", "zh"], request)
    assert inputs[0] is request and inputs[1:3] == ["hi", "zh"] and progress_index == 3
    assert threading.current_thread() is not None
