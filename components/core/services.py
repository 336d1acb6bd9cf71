"""What the UI needs from the model layer, behind one object passed to every tab builder.

Design decision: the tabs receive a ``Services`` instance instead of reading module globals, so
a test can build the whole app around tiny models and two apps with different configurations
can live in one process. Every event that may run a model goes through this object, which is
how the UI shell finds the events that belong in a lane; the lanes themselves (their slots,
workers and torch threads: ``components/core/lanes.py``) are planned here from the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from components.core.analysis import Analysis, analyze
from components.core.lanes import WorkerPermits, plan
from components.core.messages import Msg, UserError, render
from components.core.models import (
    DEFAULT_MODEL,
    PRESETS,
    LoadedModel,
    can_fill_in,
    load_model,
    model_status,
    reads_chinese,
)

__all__ = ["AppConfig", "Services", "model_choices"]


def model_choices(models: tuple[str, ...], lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) pairs for the model menu: availability, and which models fill in blanks.
    Reads only names, caches and checkpoint headers: it never loads a model."""
    choices = []
    for name in models:
        marks = [render(model_status(name), lang)]
        if can_fill_in(name):
            marks.append(render(Msg("model_can_fill"), lang))
        label = f"{name}（{'，'.join(marks)}）" if lang == "zh" else f"{name} ({', '.join(marks)})"
        choices.append((label, name))
    return choices


@dataclass(frozen=True)
class AppConfig:
    """Choices made at start-up (CLI flags / environment), never by a student's request."""

    models: tuple[str, ...] = tuple(PRESETS)
    default_model: str = DEFAULT_MODEL
    classifier: str | None = None  # None: the shipped classifier under assets/
    glove: str | None = None  # a GloVe/word2vec file; None: the default source
    warm_up: bool = True
    concurrency: int = 2  # workers computing at once, both lanes together (half light, half heavy)
    torch_threads: int = 0  # torch threads per worker; 0: the cores shared out among the workers
    live_training: bool = True  # the Fine-tuning tab's Train button (off on public Spaces)


class Services:
    """Lazy, cached access to models and analyses, restricted to the configured models."""

    def __init__(self, config: AppConfig | None = None) -> None:
        config = config or AppConfig()
        if config.default_model not in config.models:
            config = replace(config, models=(config.default_model, *config.models))
        self.config = config
        self.budget = plan(config.concurrency, threads=config.torch_threads or None)
        self.light_permits = WorkerPermits(self.budget.light)  # this server's light workers (lanes.py)

    def model_choices(self, lang: str = "en") -> list[tuple[str, str]]:
        return model_choices(self.config.models, lang)

    def chinese_here(self) -> bool:
        """Whether a configured model that reads Chinese is on this machine (a Chinese example would fail
        with every other), read from names, configs and vocabularies only."""
        return any(reads_chinese(name) and model_status(name).key != "model_status_download"
                   for name in self.config.models)

    def model(self, name: str | None) -> LoadedModel:
        name = name or self.config.default_model
        if name not in self.config.models:
            raise UserError("model_unknown", name=name, choices=list(self.config.models))
        return load_model(name)

    def analysis(self, name: str | None, text: str, text_pair: str | None = None) -> Analysis:
        return analyze(self.model(name), text, text_pair)

    def reading(self, classifier, text: str, detail: str = "logits") -> Analysis:
        """A classifier's own pass over ``text`` (cached), truncated by the rule it was trained with
        (``Classifier.max_length``, the one ``evaluate`` uses too); ``detail="full"`` adds attentions."""
        return analyze(classifier.model, text, max_length=classifier.max_length, detail=detail)

    def classifier(self, path: str | None = None):
        """The classifier at ``path`` (a session's own, live-trained one), else the configured one
        (default: the shipped one under assets/); each loaded once."""
        from components.core.classifier import SHIPPED_CLASSIFIER, load_classifier

        return load_classifier(path or self.config.classifier or SHIPPED_CLASSIFIER)
