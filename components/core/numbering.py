"""The one numbering of layers and heads that every tab, figure, table, link and JSON uses.

Encoder layers are numbered 1..N and heads 1..H, as a class counts them; hidden states 0..N, where 0 is
the embedding output and k the output of layer k (so hidden state 3 is what layer 3 writes); token
positions stay BERT's position ids, from 0. Arrays are indexed from 0 inside the code: this module is
where a number a student reads becomes an index and back, and where a number that does not exist in
the current model is brought into range with a notice instead of being shown as something else.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.core.messages import Msg

__all__ = ["KINDS", "NUMBERING", "Clamped", "clamp", "head_name", "span"]

NUMBERING = "layers and heads from 1"  # what every JSON that takes or prints a layer or head says
KINDS = ("layer", "head", "hidden")
WHAT_KEYS = {"layer": "num_what_layer", "head": "num_what_head", "hidden": "num_what_hidden"}


def span(kind: str, shape: tuple[int, int]) -> tuple[int, int]:
    """(first, last) number of a ``kind`` in a model of ``shape`` = (layers, heads)."""
    layers, heads = shape
    return {"layer": (1, layers), "head": (1, heads), "hidden": (0, layers)}[kind]


@dataclass(frozen=True)
class Clamped:
    number: int  # as the student reads it (layer/head from 1, hidden state from 0)
    index: int  # the array index: layer k and head k are index k-1; hidden state k is index k
    notice: Msg | None  # said when the asked number did not exist and another is shown


def clamp(kind: str, value: float | int | None, shape: tuple[int, int], model: str, default: int = 1) -> Clamped:
    """The ``kind`` number nearest to ``value`` that exists in the model, with a notice when it moved."""
    first, last = span(kind, shape)
    asked = default if value is None else value
    try:
        number = int(round(float(asked)))
    except (TypeError, ValueError, OverflowError):
        number = default
    shown = min(max(number, first), last)
    said = f"{asked:g}" if isinstance(asked, (int, float)) else str(asked)[:12]
    notice = None if shown == number and number == asked else Msg(
        "num_clamped", what=Msg(WHAT_KEYS[kind]), asked=said, model=model, first=first, last=last, shown=shown)
    return Clamped(shown, shown - first if kind != "hidden" else shown, notice)


def head_name(layer_index: int, head_index: int) -> str:
    """'L3H6' for array indices (2, 5): layer 3, head 6, as every tab writes a head."""
    return f"L{layer_index + 1}H{head_index + 1}"
