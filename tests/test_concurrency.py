"""Every event that can run a model is in a lane, and the lanes never run more torch threads than cores.

Gradio limits concurrency per event function (each function is its own group unless it names one), so
an event outside the lanes would let several tabs run their models at once beyond the budget, and a
light event wired without the lane's permits would compute beside the light workers. Gradio 6 does
not publish concurrency in /config: the test reads the built app's BlockFunction objects and follows
each function's closures (and wrappers) to see whether it can reach ``Services``.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
import time

import gradio as gr
import pytest
import torch

from components.core import lanes
from components.core.lanes import WorkerPermits, plan, waiting
from components.core.services import AppConfig, Services
from components.ui.shell import LESSONS, build_demo


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
    if reaches_services(getattr(fn, "__wrapped__", None), seen):
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


def model_events_outside_the_lanes(demo, services: Services) -> list[str]:
    """Events that reach Services but are not in a lane with its limit, or are light without its permits."""
    budget = services.budget
    groups = {lane.name: lane.slots for lane in (budget.light, budget.heavy, budget.training)}
    out = []
    for block_fn in demo.fns.values():
        if not reaches_services(block_fn.fn):
            continue
        where = f"{block_fn.name} (concurrency_id={block_fn.concurrency_id}, limit={block_fn.concurrency_limit})"
        if groups.get(block_fn.concurrency_id) != block_fn.concurrency_limit or block_fn.concurrency_limit is None:
            out.append(where)
        elif block_fn.concurrency_id == budget.light.name and getattr(block_fn.fn, "lane_permits",
                                                                      None) is not services.light_permits:
            out.append(where + " without the light lane's permits")
    return out


@pytest.fixture(scope="module")
def services(tiny_en_dir):
    return Services(AppConfig(models=("minilm", str(tiny_en_dir)), warm_up=False, concurrency=3))


@pytest.fixture(scope="module")
def demo(services):
    return build_demo(services)


def test_every_model_running_event_is_in_a_lane(demo, services):
    assert model_events_outside_the_lanes(demo, services) == []


def test_the_app_has_model_events_in_every_lesson(demo):
    """The check above looks at something: every lesson the app is built from (``LESSONS``) has events, defined
    in its tab module, that reach Services, and so do the named run endpoints."""
    running = [fn for fn in demo.fns.values() if reaches_services(fn.fn)]
    lessons = {fn.fn.__module__.split(".")[1] for fn in running if fn.fn.__module__.endswith(".tab")}
    assert sorted(set(LESSONS) - lessons) == []
    assert {"predict", "attention", "layer", "tokens", "heads", "evaluate", "polysemy", "explain"} <= {
        fn.api_name for fn in running}


def test_light_views_and_heavy_ones_are_in_their_lanes(demo, services):
    lane = {fn.api_name: fn.concurrency_id for fn in demo.fns.values() if fn.api_name}
    light, heavy = services.budget.light.name, services.budget.heavy.name
    assert {lane[n] for n in ("predict", "tokens", "attention", "attention_bertviz", "fill_mask", "next_sentence",
                              "masking_recipe", "layer")} == {light}
    assert {lane[n] for n in ("polysemy", "explain", "explain_compare", "explain_scan", "explain_heads", "heads",
                              "evaluate", "finetune_changes")} == {heavy}
    assert lane["train"] == services.budget.training.name


def test_the_deep_link_of_a_heavy_tab_runs_in_the_heavy_lane(demo, services):
    """The shell's hidden trigger runs each tab's link in that tab's lane."""
    linked = [fn for fn in demo.fns.values() if fn.name == "polysemy_link"]
    assert [fn.concurrency_id for fn in linked] == [services.budget.heavy.name]


def test_the_check_sees_an_event_outside_the_lanes():
    """Negative control: model-running events wired without a lane, or light without the permits, are reported."""
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

    light = services.budget.light
    with gr.Blocks() as rogue:
        box = gr.Textbox()
        gr.Button().click(make(services), box, box)
        gr.Button().click(make_indirect(Holder(services)), box, box)
        gr.Button().click(make(services), box, box, concurrency_id=light.name, concurrency_limit=light.slots)
        gr.Button().click(services.light_permits.wrap(make(services)), box, box, concurrency_id=light.name,
                          concurrency_limit=light.slots)  # the one wired right
    assert len(model_events_outside_the_lanes(rogue, services)) == 3


@pytest.mark.parametrize("cores", [1, 2, 3, 4, 8, 16, 64])
@pytest.mark.parametrize("concurrency", [1, 2, 3, 4, 8, 32])
def test_the_lanes_never_run_more_torch_threads_than_cores(cores, concurrency):
    budget = plan(concurrency, cores=cores)
    assert budget.torch_threads <= max(cores, 2)  # one worker per lane at least: a single core is shared
    assert budget.light.workers >= 1 and budget.heavy.workers >= 1 and budget.heavy.slots == budget.heavy.workers
    assert budget.light.slots > budget.light.workers  # requests may wait inside the light lane for a batch


def test_two_cores_get_one_light_and_one_heavy_worker_of_one_thread():
    budget = plan(2, cores=2)
    assert (budget.light.workers, budget.heavy.workers, budget.threads, budget.torch_threads) == (1, 1, 1, 2)


def test_the_served_app_runs_torch_on_the_planned_threads(tiny_en_dir):
    from components.ui.serving import launch

    before = torch.get_num_threads()
    services = Services(AppConfig(models=(str(tiny_en_dir),), default_model=str(tiny_en_dir), warm_up=False,
                                  concurrency=2, torch_threads=3))
    torch.set_num_threads(1)
    demo = launch(services)
    try:
        assert torch.get_num_threads() == services.budget.threads == 3
    finally:
        demo.close()
        torch.set_num_threads(before)


def _computing_at_once(permits: WorkerPermits, n: int, work) -> int:
    """Run ``n`` wrapped calls of ``work`` at once; the most that were inside ``work``'s compute at one time."""
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def compute():
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1

    threads = [threading.Thread(target=permits.wrap(lambda: work(compute))) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return state["most"]


def test_a_light_worker_permit_lets_one_request_compute_at_a_time():
    assert _computing_at_once(WorkerPermits(lanes.Lane("light", 16, 1)), 8, lambda compute: compute()) == 1


def test_without_permits_the_requests_compute_together():
    # control: the same calls with a permit per request overlap
    assert _computing_at_once(WorkerPermits(lanes.Lane("light", 16, 8)), 8, lambda compute: compute()) > 1


def test_a_request_that_waits_gives_its_permit_back():
    """One worker: a request waiting (``waiting()``) for another's result does not block that other."""
    permits = WorkerPermits(lanes.Lane("light", 16, 1))
    done = threading.Event()
    order = []

    def waiter():
        with waiting():
            assert done.wait(timeout=10)
        order.append(("waiter", lanes.current() is permits))  # its permit is back once it computes again

    def producer():
        time.sleep(0.05)
        order.append("producer")
        done.set()

    threads = [threading.Thread(target=permits.wrap(f)) for f in (waiter, producer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert order == ["producer", ("waiter", True)]


def controls_that_show_progress(demo) -> list[str]:
    """Lane events that would put their progress, and on a failure an "Error" badge, on a control they write
    (a menu, a slider, a checkbox grid): the student would lose the control until the next success. An event
    that writes only controls with its progress hidden (a slider's range after a model switch) is a control
    update, not a result, and is left out."""
    from components.ui.errors import RESULTS

    out = []
    for block_fn in demo.fns.values():
        if block_fn.concurrency_id not in ("light", "heavy", "training"):
            continue
        if block_fn.show_progress == "hidden" and not any(isinstance(o, RESULTS) for o in block_fn.outputs):
            continue
        targets = block_fn.show_progress_on or block_fn.outputs
        controls = [o for o in targets if isinstance(o, gr.components.Component)
                    and not isinstance(o, (*RESULTS, gr.State))]
        if controls:
            out.append(f"{block_fn.name}: {[type(c).__name__ for c in controls]}")
    return out


def test_no_lane_event_shows_its_progress_or_an_error_on_a_control(demo):
    assert controls_that_show_progress(demo) == []


def test_the_progress_check_sees_a_control_that_would_turn_into_a_badge():
    """Negative control: an event wired straight to Gradio (without the lanes' default) with a menu among its
    outputs is reported; the same event through ``TabContext.heavy`` is not."""
    services = Services(AppConfig(models=("minilm",), warm_up=False))
    from components.ui.widgets import progress_on_results

    with gr.Blocks() as raw:
        menu, note = gr.Dropdown(["a"]), gr.Markdown()
        gr.Button().click(lambda: (None, ""), None, [menu, note], concurrency_id="heavy", concurrency_limit=1)
    with gr.Blocks() as wired:
        menu, note = gr.Dropdown(["a"]), gr.Markdown()
        gr.Button().click(lambda: (None, ""), None, [menu, note], concurrency_id="heavy", concurrency_limit=1,
                          **progress_on_results([menu, note], {}))
    assert controls_that_show_progress(raw) == ["<lambda>: ['Dropdown']"]
    assert controls_that_show_progress(wired) == []
    assert services.budget.heavy.name == "heavy"
