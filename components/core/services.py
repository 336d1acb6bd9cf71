"""What the UI needs from the model layer, behind one object passed to every tab builder.

Design decision: the tabs receive a ``Services`` instance instead of reading module globals
(the FastChat pitfall), so a test can build the whole app around tiny models and two apps
with different configurations can live in one process.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.core.analysis import Analysis, analyze
from components.core.models import DEFAULT_MODEL, PRESETS, LoadedModel, load_model, model_status

__all__ = ["AppConfig", "Services"]


@dataclass(frozen=True)
class AppConfig:
    """Choices made at start-up (CLI flags / environment), never by a student's request."""

    models: tuple[str, ...] = tuple(PRESETS)
    default_model: str = DEFAULT_MODEL
    classifier: str | None = None  # None: the shipped classifier under assets/
    glove: str | None = None  # a GloVe/word2vec file; None: the default source
    warm_up: bool = True


class Services:
    """Lazy, cached access to models and analyses, restricted to the configured models."""

    def __init__(self, config: AppConfig | None = None) -> None:
        self.config = config or AppConfig()
        if self.config.default_model not in self.config.models:
            self.config = AppConfig(**{**self.config.__dict__,
                                       "models": (self.config.default_model, *self.config.models)})

    def model_choices(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the model dropdown, each marked with its availability."""
        return [(f"{name} ({model_status(name)})", name) for name in self.config.models]

    def model(self, name: str | None) -> LoadedModel:
        name = name or self.config.default_model
        if name not in self.config.models:
            raise ValueError(f"Unknown model '{name}'. Choose one of: {', '.join(self.config.models)}.")
        return load_model(name)

    def analysis(self, name: str | None, text: str, text_pair: str | None = None) -> Analysis:
        return analyze(self.model(name), text, text_pair)

    def classifier(self):
        """The configured classifier (default: the shipped one under assets/), loaded once."""
        from components.core.classifier import SHIPPED_CLASSIFIER, load_classifier

        return load_classifier(self.config.classifier or SHIPPED_CLASSIFIER)
