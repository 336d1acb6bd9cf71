"""Every event that can run a model is in the one concurrency group, whose limit is --concurrency.

Gradio limits concurrency per event function (each function is its own group unless it names one), so
an event outside the group would let several tabs run their models at once beyond the limit. Gradio 6
does not publish concurrency in /config: the test reads the built app's BlockFunction objects and
follows each function's closures (and wrappers) to see whether it can reach ``Services``.
"""

from __future__ import annotations

import dataclasses
import inspect

import gradio as gr
import pytest

from components.core.services import AppConfig, Services
from components.ui.shell import LESSONS, build_demo
from components.ui.widgets import MODEL_GROUP


def reaches_services(fn, seen=None) -> bool:
    """True when ``fn`` (or anything it closes over or wraps) holds a Services object."""
    seen = seen if seen is not None else set()
    if fn is None or id(fn) in seen:
        return False
    seen.add(id(fn))
    if isinstance(fn, Services):
        return True
    if isinstance(fn, dict):
        return any(reaches_services(v, seen) for v in fn.values())
    if isinstance(fn, (list, tuple, set)):
        return any(reaches_services(v, seen) for v in fn)
    if dataclasses.is_dataclass(fn) and not isinstance(fn, type):
        return any(reaches_services(getattr(fn, f.name), seen) for f in dataclasses.fields(fn))
    if inspect.ismethod(fn):
        return reaches_services(fn.__self__, seen) or reaches_services(fn.__func__, seen)
    if not callable(fn):
        return False
    for attr in ("__wrapped__", "bertlens_handler"):
        if reaches_services(getattr(fn, attr, None), seen):
            return True
    closure = getattr(fn, "__closure__", None) or ()
    for cell in closure:
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if reaches_services(value, seen):
            return True
    return False


def model_events_outside_the_group(demo, limit: int) -> list[str]:
    return [f"{block_fn.name} (concurrency_id={block_fn.concurrency_id}, limit={block_fn.concurrency_limit})"
            for block_fn in demo.fns.values()
            if reaches_services(block_fn.fn)
            and (block_fn.concurrency_id != MODEL_GROUP or block_fn.concurrency_limit != limit)]


@pytest.fixture(scope="module")
def demo(tiny_en_dir):
    return build_demo(Services(AppConfig(models=("minilm", str(tiny_en_dir)), warm_up=False, concurrency=3)))


def test_every_model_running_event_is_in_the_one_group(demo):
    assert model_events_outside_the_group(demo, limit=3) == []


def test_the_app_has_model_events_in_every_lesson(demo):
    """The check above looks at something: every lesson the app is built from (``LESSONS``) has events, defined
    in its tab module, that reach Services, and so do the named run endpoints."""
    running = [fn for fn in demo.fns.values() if reaches_services(fn.fn)]
    lessons = {fn.fn.__module__.split(".")[1] for fn in running if fn.fn.__module__.endswith(".tab")}
    assert sorted(set(LESSONS) - lessons) == []
    assert {"predict", "attention", "layer", "tokens", "heads", "evaluate"} <= {fn.api_name for fn in running}


def test_the_check_sees_an_event_outside_the_group():
    """Negative control: a model-running event wired without the group is reported."""
    services = Services(AppConfig(models=("minilm",), warm_up=False))

    def make(services):
        def run(text):
            return services.analysis(None, text).tokens

        return run

    @dataclasses.dataclass
    class Holder:
        services: Services

    def make_indirect(holder):
        def run(text):
            return holder.services.analysis(None, text).tokens

        return run

    with gr.Blocks() as rogue:
        box = gr.Textbox()
        gr.Button().click(make(services), box, box)
        gr.Button().click(make_indirect(Holder(services)), box, box)
    assert len(model_events_outside_the_group(rogue, limit=2)) == 2
