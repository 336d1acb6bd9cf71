"""Which model answers the Pre-training tab: one with BERT's own heads, never a stand-in.

Design decision: the tab reads the model chosen in the header when that checkpoint holds the head
a task needs (masked-LM for fill-in, NSP for next-sentence). When it does not (``minilm``, the
offline default, has neither), the tab uses the first configured model that has the head, is on
this machine (a local directory, the Hugging Face cache, or already loaded) and suits the text's
language, and says so. When there is none, nothing is predicted: the tab says in one line which
models have the heads and how to get one. No head is ever trained or guessed here: heads trained
on minilm's frozen encoder reached 20 % masked top-5 and made no sensible fill-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.core.analysis import is_chinese
from components.core.messages import Msg, UserError
from components.core.models import PRESETS, LoadedModel, can_fill_in, model_status
from components.core.services import Services
from components.pretraining.compute import fetch_hint, reads_text

__all__ = ["Choice", "choose_model", "has_head", "models_with_heads"]


@dataclass(frozen=True)
class Choice:
    """The model whose tokenizer shows the pieces, and the one (possibly the same) whose head answers."""

    asked: LoadedModel
    model: LoadedModel | None  # None: no model here has the head
    note: Msg | None  # what the student is told about the choice


def has_head(services: Services, name: str, head: str) -> bool:
    """Whether a configured model has ``head`` ("mlm" or "nsp"); a preset's or a masked-LM head is known
    without loading the model, a local checkpoint's NSP head by loading it."""
    if head == "mlm":
        return can_fill_in(name)
    preset = PRESETS.get(name)
    if preset is not None:
        return head in preset.heads
    return can_fill_in(name) and head in services.model(name).heads


def models_with_heads(services: Services) -> list[str]:
    """The configured models that have BERT's masked-LM head, on this machine or not."""
    return [name for name in services.config.models if can_fill_in(name)]


def _here(name: str) -> bool:
    return model_status(name).key != "model_status_download"


def _suits(services: Services, name: str, texts: tuple[str, ...]) -> bool:
    """A preset by its language; any other checkpoint by its vocabulary covering the text."""
    chinese = any(is_chinese(t) for t in texts if t)
    preset = PRESETS.get(name)
    if preset is not None:
        return preset.language in (("zh", "multi") if chinese else ("en", "multi"))
    return reads_text(services.model(name), *texts)


def pointer(services: Services, asked: str, head: str, *texts: str) -> Msg:
    """One line: which models have the heads, and how to get one (for Chinese text, the Chinese one)."""
    names = [n for n in models_with_heads(services) if has_head(services, n, head)] or [
        n for n, p in PRESETS.items() if head in p.heads]
    return Msg("pre_pointer", model=asked, models=names, teacher=fetch_hint(*texts))


def choose_model(services: Services, asked: str | None, head: str, *texts: str) -> Choice:
    """The header's model when it has ``head``; else the first suitable model here that has it; else None."""
    model = services.model(asked)
    if head in model.heads:
        return Choice(model, model, None)
    for name in services.config.models:
        if name == model.name or not has_head(services, name, head) or not _here(name):
            continue
        try:
            if not _suits(services, name, texts):
                continue
            other = services.model(name)
        except UserError:
            continue  # a cached checkpoint that fails to load is not a fallback
        if head in other.heads:
            return Choice(model, other, Msg("pre_using_other", asked=model.name, used=other.name))
    return Choice(model, None, pointer(services, model.name, head, *texts))
