"""The one adapter from computation errors to what a student sees.

``ValueError`` (and ``ModelUnavailable``) carry a message written for the user: shown as a
``gr.Error``, HTML-escaped because messages quote what the student typed. Anything else is
a bug: logged with its traceback on the server, shown as a
short apology, never as a traceback.
"""

from __future__ import annotations

import functools
import html
import logging
import unicodedata
from collections.abc import Callable

import gradio as gr

log = logging.getLogger("bertlens")


def user_errors(fn: Callable) -> Callable:
    """Wrap an event handler so only readable messages reach the browser."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except ValueError as exc:
            raise gr.Error(as_text(str(exc)), print_exception=False) from None
        except Exception:  # noqa: BLE001 - the whole point: no traceback reaches a student
            log.exception("unexpected error in %s", fn.__name__)
            raise gr.Error(
                "Something went wrong on the server while handling this input. "
                "Try a shorter or simpler text; if it keeps happening, tell your teacher.",
                print_exception=False,
            ) from None

    return wrapper


MAX_MESSAGE = 600  # a message quoting a pasted page would bury the sentence that says what to do


def as_text(message: str) -> str:
    """Gradio renders toast messages as (sanitised) HTML; a message quoting user text must show it as text,
    without the control characters it may hold and short enough to read."""
    message = "".join("\ufffd" if unicodedata.category(c) in {"Cc", "Cs"} and c not in "\n\t" else c
                      for c in message)
    if len(message) > MAX_MESSAGE:  # keep the end too: it usually says what to do
        message = message[:MAX_MESSAGE // 2] + " … " + message[-(MAX_MESSAGE // 2):]
    return html.escape(message, quote=False)


def show_warnings(notes) -> None:
    for note in notes:
        gr.Warning(as_text(note))
