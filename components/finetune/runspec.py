"""What a live mini-run is asked to do (``RunSpec``) and the live recipe's constants.

Design decision: a module of its own, with nothing heavy in it, so that the tab and the live
trainer (``live.py``, which starts runs in a worker process) and the run itself (``minirun.py``)
share one definition without importing each other both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BATCH_SIZE", "DEV_SEED", "METHODS", "RECIPE", "RunSpec"]

METHODS = ("head", "lora")
BATCH_SIZE = 16  # one epoch of 2,000 examples is 125 optimisation steps: 125 points on the live curve
DEV_SEED = 0  # the fixed dev sample every live run of every student is scored on
# one epoch is few steps: batches of 16 give the curve 125 points at 2,000 examples, and the rates are
# higher than the full recipes' (train.py: head 3e-3 for 20 epochs, lora 8e-4 for 3) so one epoch shows learning;
# the fresh head needs its own, higher rate in both methods: at 2e-2 a LoRA run of 2,000 examples only learned the
# label priors (dev macro-F1 0.04, below the untrained 0.09); at 5e-2 it reaches 0.44 (head alone: 0.22)
RECIPE = {"head": {"head_lr": 5e-2}, "lora": {"lr": 2e-3, "head_lr": 5e-2}}


@dataclass(frozen=True)
class RunSpec:
    method: str
    budget: int  # training examples: the first N of the seeded shuffle, as `train --max-examples N`
    data: str  # a GoEmotions directory or the Hub id
    base: str  # the encoder to adapt (a preset name or a directory)
    out: str  # where the classifier directory is written
    seed: int = 42
    dev_size: int = 1000
    max_length: int = 64
    batch_size: int = BATCH_SIZE
    lora_r: int = 16
    lora_alpha: int = 32
    dev_features: np.ndarray | None = None  # the base encoder's pooled dev-sample vectors, from an earlier run
