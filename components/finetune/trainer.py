"""The one training loop of BERT Lens, used by every recipe (``train``) and by the live mini-run.

In the manner of minGPT's ``trainer.py`` and transformers' ``Trainer``: the loop owns the
optimiser (AdamW), the linear warm-up/decay schedule, gradient clipping and the step count;
everything a caller wants to see or stop goes through callbacks, so the command line's progress
bar, the training record's loss log, the live run's progress events and its Cancel are four small
callbacks of one loop instead of four loops. ``tests/test_layout.py`` checks that no other module
of ``components/`` calls an optimiser's ``step()``.

What stays with the caller is what differs between recipes: which parameters train (and at
which learning rates), how an epoch's batches are drawn (so a seeded run draws exactly the
batches it drew before this loop existed) and how a batch becomes a loss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import torch

__all__ = ["Callback", "Cancelled", "Trainer", "TrainerConfig"]


class Cancelled(Exception):
    """A callback asked the loop to stop (the student pressed Cancel, or left): nothing is written."""


class Callback:
    """Hooks of the loop; each does nothing unless overridden."""

    def should_stop(self) -> bool:
        """Asked before every step: True stops the loop with ``Cancelled``."""
        return False

    def on_step(self, trainer: Trainer, loss: float) -> None:
        """After every optimisation step; ``trainer.step`` counts from 1 to ``trainer.total_steps``."""

    def on_epoch_end(self, trainer: Trainer, epoch: int) -> None:
        """After every epoch (``epoch`` from 0); the modules are put back in training mode afterwards."""

    def on_end(self, trainer: Trainer) -> None:
        """Once, after the last epoch (not after a cancel)."""


@dataclass(frozen=True)
class TrainerConfig:
    lr: float
    total_steps: int
    warmup_steps: int = 0
    weight_decay: float = 0.01
    clip_norm: float | None = None  # max gradient norm over every trained parameter; None: no clipping


@dataclass
class Trainer:
    """``fit`` runs ``epochs`` epochs of ``batches(epoch)``, each batch's ``loss_of(batch)`` minimised."""

    groups: list[dict]  # torch parameter groups; a group's own "lr" overrides config.lr
    config: TrainerConfig
    callbacks: Sequence[Callback] = ()
    step: int = 0
    losses: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        from transformers import get_linear_schedule_with_warmup

        self.parameters = [p for g in self.groups for p in g["params"]]
        self.optimizer = torch.optim.AdamW(self.groups, lr=self.config.lr, weight_decay=self.config.weight_decay)
        self.scheduler = get_linear_schedule_with_warmup(self.optimizer, self.config.warmup_steps,
                                                         self.config.total_steps)

    @property
    def total_steps(self) -> int:
        return self.config.total_steps

    def fit(self, epochs: int, batches: Callable[[int], Iterable], loss_of: Callable[[object], torch.Tensor],
            modules: Sequence[torch.nn.Module] = ()) -> list[float]:
        """Train; return the loss of every step. ``modules`` are put in training mode at each epoch's start."""
        for epoch in range(epochs):
            for module in modules:
                module.train()
            for batch in batches(epoch):
                if any(cb.should_stop() for cb in self.callbacks):
                    raise Cancelled
                loss = loss_of(batch)
                self.optimizer.zero_grad()
                loss.backward()
                if self.config.clip_norm is not None:
                    torch.nn.utils.clip_grad_norm_(self.parameters, self.config.clip_norm)
                self.optimizer.step()
                self.scheduler.step()
                self.step += 1
                value = loss.item()
                self.losses.append(value)
                for cb in self.callbacks:
                    cb.on_step(self, value)
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch)
        for cb in self.callbacks:
            cb.on_end(self)
        return self.losses
