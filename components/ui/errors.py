"""The one adapter from computation errors to what a student sees.

A ``UserError`` (raised by this project, carrying a message key) is shown as a ``gr.Error`` in
the student's language, escaped (messages quote what the student typed), without control
characters and short enough to read. Anything else, including a ``ValueError`` raised inside a
library, is a bug: logged with its traceback on the server and shown as a short apology, never
as a traceback and never as the library's words.

Design decision: handlers take the session's language as a parameter named ``lang``; the
adapter finds it there, so a handler never formats an error itself. A failed event leaves its outputs
as they were, so ``clear_on_error`` empties them after the toast: no result of an earlier input stays
on screen beside the message about this one.
"""

from __future__ import annotations

import functools
import inspect
import logging
import unicodedata
from collections.abc import Callable, Iterable

import gradio as gr

from components.core.messages import Msg, UserError, render
from components.core.text import escape, teacher_details

log = logging.getLogger("bertlens")


MAX_MESSAGE = 600  # a message quoting a pasted page would bury the sentence that says what to do


def _lang(fn: Callable, args, kwargs) -> str:
    try:
        return str(inspect.signature(fn).bind_partial(*args, **kwargs).arguments.get("lang") or "en")
    except TypeError:
        return "en"


def user_errors(fn: Callable) -> Callable:
    """Wrap an event handler (plain or generator) so only readable messages reach the browser."""

    def fail(exc: BaseException, lang: str):
        if isinstance(exc, gr.Error):
            raise exc
        title = render(Msg("toast_error"), lang)
        if isinstance(exc, UserError):
            raise gr.Error(as_text(exc.render(lang)) + teacher_details(exc.msg, lang), title=title,
                           print_exception=False) from None
        log.error("unexpected error in %s", fn.__name__, exc_info=exc)
        raise gr.Error(as_text(render(Msg("core_unexpected"), lang)), title=title, print_exception=False) from None

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the whole point: no traceback reaches a student
                fail(exc, _lang(fn, args, kwargs))

        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the whole point: no traceback reaches a student
            fail(exc, _lang(fn, args, kwargs))

    return wrapper


# What an event shows (results), as opposed to what a student sets (controls, which an error never touches).
RESULTS = (gr.Plot, gr.Markdown, gr.HTML, gr.Dataframe, gr.Label, gr.HighlightedText, gr.JSON, gr.DownloadButton,
           gr.File, gr.Image)


def split_outputs(outputs) -> tuple[list, list]:
    """An event's outputs as a list (Gradio takes one component or a list) and the results among them."""
    listed = list(outputs) if isinstance(outputs, (list, tuple, set)) else [outputs]
    return listed, [o for o in listed if isinstance(o, RESULTS)]


def clear_on_error(event, outputs) -> None:
    """When ``event`` fails (its toast is shown), empty every result it writes: a figure or a note from the
    previous sentence beside an error about this one would be read as this sentence's answer.

    Controls among ``outputs`` (a menu, a slider, a grid of checkboxes) keep what the student set; an event
    whose outputs include one shows its progress on its results only (``show_progress_on``), so the control
    never turns into an error badge. ``TabContext.light`` and ``heavy`` call this for every model event."""
    _, shown = split_outputs(outputs)
    if shown:
        def cleared():  # new updates on every call: Gradio consumes the ones it is given (a shared list
            updates = [gr.update(value=None) for _ in shown]  # cleared once per server, then never again)
            return updates if len(updates) > 1 else updates[0]

        event.failure(cleared, None, shown, api_name=False, queue=False, show_progress="hidden")


def as_text(message: str) -> str:
    """Gradio renders toast messages as (sanitised) HTML; a message quoting user text must show it as text,
    without the control characters it may hold and short enough to read."""
    message = "".join("\ufffd" if unicodedata.category(c) in {"Cc", "Cs"} and c not in "\n\t" else c
                      for c in message)
    if len(message) > MAX_MESSAGE:  # keep the end too: it usually says what to do
        message = message[:MAX_MESSAGE // 2] + " … " + message[-(MAX_MESSAGE // 2):]
    return escape(message)


def show_warnings(notes: Iterable[Msg | str], lang: str) -> None:
    for note in notes:
        gr.Warning(as_text(render(note, lang)), title=render(Msg("toast_warning"), lang))
