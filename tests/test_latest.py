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
    old, new = latest.begin(), latest.begin()
    assert latest.shown("view", new) and not latest.shown("view", old)
    # in order, both are shown; other views and sessions are their own
    a, b = latest.begin(), latest.begin()
    assert latest.shown("v", a) and latest.shown("v", b)
    c, d = latest.begin(), latest.begin()
    assert latest.shown(("s2", 1), d) and latest.shown(("s1", 1), c)


def test_the_memory_of_views_is_bounded():
    latest = Latest(capacity=3)
    for k in range(10):
        assert latest.shown(k, latest.begin())
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
            if not sentence:
                raise gr.Error("empty sentence")
            return sentence

        wire(ctx, gr.Button().click, view, [text, delay], shown)
    return demo


def page_answers(url: str, fn_index: int, calls: list[tuple[str, float, float]]) -> dict[str, object]:
    """What one browser page gets: each call (sentence, seconds of work, seconds after the first) joins the queue
    as Gradio's page sends it (``x-gradio-user: app``, one session hash), answers read from the session's stream."""
    import json
    import uuid

    import httpx

    session = uuid.uuid4().hex[:11]
    answers: dict[str, object] = {}
    events: dict[str, str] = {}

    def read() -> None:
        with httpx.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}, timeout=60) as r:
            for line in r.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    answers[events[message["event_id"]]] = (output.get("data") or [output.get("error")])[0]
                    if len(answers) == len(calls):
                        return

    def join(sentence: str, seconds: float) -> None:
        body = {"data": [sentence, seconds], "fn_index": fn_index, "session_hash": session, "event_data": None,
                "trigger_id": None}
        reply = httpx.post(f"{url}gradio_api/queue/join", json=body, headers={"x-gradio-user": "app"}, timeout=30)
        events[reply.json()["event_id"]] = sentence

    started = time.monotonic()
    for sentence, seconds, after in calls:
        time.sleep(max(0.0, after - (time.monotonic() - started)))
        join(sentence, seconds)
        if len(events) == 1:
            reader = threading.Thread(target=read, daemon=True)
            reader.start()
    reader.join(timeout=60)
    return answers


def served(demo):
    demo.queue(default_concurrency_limit=None).launch(server_name="127.0.0.1", server_port=free_port(),
                                                     prevent_thread_lock=True, quiet=True)
    return demo, next(i for i, f in demo.fns.items() if f.api_name == "view")


def in_lane(guarded: bool):
    def wire(ctx, trigger, fn, inputs, outputs):
        if guarded:
            return ctx.light(trigger, fn, inputs, outputs, api_name="view")
        lane = ctx.services.budget.light  # control: the same lane, without the newest-wins wrapper
        return trigger(ctx.services.light_permits.wrap(fn), inputs, outputs, concurrency_id=lane.name,
                       concurrency_limit=lane.slots, api_name="view")

    return wire


@pytest.mark.parametrize("guarded", [True, False])
def test_a_slow_older_answer_never_replaces_a_newer_one_on_the_page(guarded):
    demo, fn_index = served(slow_then_fast(in_lane(guarded)))
    try:  # the old sentence's request starts first and is still waiting when the new one is sent
        got = page_answers(demo.local_url, fn_index, [("old sentence", 1.5, 0.0), ("new sentence", 0.0, 0.5)])
    finally:
        demo.close()
    assert got["new sentence"] == "new sentence"
    if guarded:
        assert got["old sentence"] != "old sentence", got  # dropped: the screen keeps the new sentence's answer
    else:
        assert got["old sentence"] == "old sentence", got  # without it, the stale answer arrives last and stays


def test_an_older_answer_after_a_newer_error_is_dropped_too():
    """The newer request failed (an empty box): its toast and emptied outputs are what the page shows, and the old
    sentence's answer must not land under it afterwards."""
    demo, fn_index = served(slow_then_fast(in_lane(True)))
    try:
        got = page_answers(demo.local_url, fn_index, [("old sentence", 1.5, 0.0), ("", 0.0, 0.5)])
    finally:
        demo.close()
    assert got[""] != "" and got["old sentence"] != "old sentence", got


def test_an_api_client_gets_every_answer_of_its_session():
    """A script's (or an MCP agent's) calls share one session for many questions: none is dropped."""
    demo, _ = served(slow_then_fast(in_lane(True)))
    try:
        client = Client(demo.local_url, verbose=False)
        old = client.submit("old sentence", 1.5, api_name="/view")
        time.sleep(0.5)
        new = client.submit("new sentence", 0.0, api_name="/view")
        assert (new.result(timeout=60), old.result(timeout=60)) == ("new sentence", "old sentence")
    finally:
        demo.close()


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
