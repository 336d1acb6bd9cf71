"""Feature extraction, the classical route: frozen mean-pooled hidden states -> scikit-learn logistic regression.

Layer specs (``python app.py train --method sklearn-lr --layers SPEC``) say which hidden states
feed the classifier; index 0 is the embedding output, 1..L the transformer layers::

    SPEC  := [COMBINE ":"] ITEMS          COMBINE: mean (default), sum or concat
    ITEMS := ITEM ["," ITEM ...]          each layer at most once
    ITEM  := 0..L | -1..-(L+1)            a layer; negative counts from the end (-1 = last, -2 = second-to-last)
           | embeddings | last            = 0 | = L
           | lastN                        the last N transformer layers (L-N+1..L)
           | all                          every transformer layer 1..L (not the embeddings, as in the BERT paper)

Examples: ``embeddings``, ``3``, ``-2``, ``last`` (the default), ``sum:last4``, ``concat:last4``,
``sum:all``. Every layer is mean-pooled over the non-pad tokens first, then the chosen layers
are averaged, summed or concatenated (``core.classifier.combine_layers``). The features are
standardised before the fit, so ``mean`` and ``sum`` give the same classifier.

Design decision: extract once, fit many. One pass per text set asks the frozen encoder for all
hidden states, pools every layer and caches the [N, L+1, H] float32 array under
``$XDG_CACHE_HOME/bertlens/features`` (default ``~/.cache/bertlens/features``), keyed by a hash
of the weights, the vocabulary, ``max_length`` and the texts, so a layer sweep extracts once.
The fitted regression, with the standardisation folded into its weights, *is* a linear head: it
is saved as a ``MeanPoolHead`` reading the chosen layers, so the app and ``evaluate`` load and
run it like any other classifier.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from components.core.classifier import COMBINE, MeanPoolHead, combine_layers, encode_batches
from components.core.messages import UserError
from components.core.models import LoadedModel
from components.finetune.metrics import sigmoid

__all__ = ["LayerSpec", "cache_dir", "fit_logistic_regression", "parse_layers", "pooled_hidden_states", "sweep"]

_fingerprints: dict[int, str] = {}


@dataclass(frozen=True)
class LayerSpec:
    spec: str  # as written (lower-cased, spaces removed)
    layers: tuple[int, ...]  # indices into the hidden states, 0 = embeddings
    combine: str  # "mean", "sum" or "concat"

    def as_json(self) -> dict:
        return {"spec": self.spec, "layers": list(self.layers), "combine": self.combine}


def parse_layers(spec: str | None, num_layers: int) -> LayerSpec:
    """A layer spec (grammar in the module docstring) for an encoder with ``num_layers`` transformer layers."""
    text = re.sub(r"\s+", "", (spec or "last").lower())
    combine, _, items = text.rpartition(":")
    combine = combine or "mean"
    if combine not in COMBINE or not items:
        raise UserError("ft_layers_bad", spec=spec, n=num_layers)
    layers: list[int] = []
    for item in items.split(","):
        if item in ("embeddings", "last", "all") or re.fullmatch(r"last\d+|-?\d+", item):
            layers += _item(item, num_layers, spec)
        else:
            raise UserError("ft_layers_bad", spec=spec, n=num_layers)
    if len(set(layers)) != len(layers):
        raise UserError("ft_layers_repeated", spec=spec)
    return LayerSpec(text, tuple(layers), combine)


def sweep(num_layers: int) -> tuple[str, ...]:
    """The layer sweep of the BERT paper's feature-based table (section 5.3), for an encoder of ``num_layers``:
    the embeddings, every single layer, the sum and the concatenation of the last four, the sum of all layers."""
    four = min(4, num_layers)
    return ("embeddings", *(str(i) for i in range(1, num_layers + 1)), f"sum:last{four}", f"concat:last{four}",
            "sum:all")


def _item(item: str, n: int, spec) -> list[int]:
    if item == "embeddings":
        return [0]
    if item == "last":
        return [n]
    if item == "all":
        return list(range(1, n + 1))
    if item.startswith("last"):
        k = int(item[4:])
        if not 1 <= k <= n:
            raise UserError("ft_layers_range", spec=spec, n=n)
        return list(range(n - k + 1, n + 1))
    i = int(item)
    if not -(n + 1) <= i <= n:
        raise UserError("ft_layers_range", spec=spec, n=n)
    return [i % (n + 1)]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bertlens" / "features"


def _fingerprint(model: LoadedModel) -> str:
    """A hash of the encoder's weights and the tokenizer's vocabulary (computed once per model object)."""
    key = id(model.encoder)
    if key not in _fingerprints:
        h = hashlib.sha256(type(model.tokenizer).__name__.encode())
        h.update(json.dumps(model.tokenizer.get_vocab(), sort_keys=True).encode())
        for name, tensor in sorted(model.encoder.state_dict().items()):
            h.update(name.encode())
            h.update(tensor.detach().float().contiguous().numpy().tobytes())
        _fingerprints[key] = h.hexdigest()
    return _fingerprints[key]


@torch.no_grad()
def _extract(model: LoadedModel, texts, max_length: int, batch_size: int, progress: bool) -> np.ndarray:
    out = None
    batches = encode_batches(model.tokenizer, texts, batch_size, max_length)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, total=-(-len(texts) // batch_size), desc="features", mininterval=5)
    for idx, ids, mask in batches:
        hidden = model.encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
        pooled = torch.stack([MeanPoolHead.pool(h, mask) for h in hidden], dim=1).float().numpy()
        if out is None:
            out = np.zeros((len(texts), *pooled.shape[1:]), dtype=np.float32)
        out[idx] = pooled
    return out


def pooled_hidden_states(model: LoadedModel, texts, max_length: int, *, batch_size: int = 128,
                         progress: bool = False) -> tuple[np.ndarray, bool]:
    """([N, L+1, H] float32 mean-pooled hidden states of every layer, whether they came from the cache)."""
    texts = list(texts)
    h = hashlib.sha256(f"{_fingerprint(model)}|{max_length}|{len(texts)}".encode())
    for text in texts:
        h.update(text.encode("utf-8") + b"\x00")
    path = cache_dir() / f"{h.hexdigest()[:40]}.npy"
    if path.is_file():
        return np.load(path), True
    model.encoder.eval()
    array = _extract(model, texts, max_length, batch_size, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        np.save(f, array)
    os.replace(tmp, path)  # atomic: a half-written file is never taken for a cached one
    return array, False


def _combined(pooled: np.ndarray, spec: LayerSpec) -> np.ndarray:
    return combine_layers(torch.from_numpy(pooled), spec.layers, spec.combine).numpy()


def fit_logistic_regression(base: LoadedModel, train_split, dev_split, test_split, args, log):
    """The ``sklearn-lr`` route for ``train``: (None, head, dev probs, test probs, classifier.json extra, record extra).

    One-vs-rest ``LogisticRegression`` (lbfgs, L2, ``C = args.sklearn_c``) on standardised
    features; a label with a single class in train gets a constant (0 weights, the logit of
    its frequency clipped to [1e-6, 1 - 1e-6]).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import StandardScaler

    spec = parse_layers(args.layers, base.config.num_hidden_layers)
    start = time.perf_counter()
    pooled, cached = {}, []
    for name, split in (("train", train_split), ("dev", dev_split), ("test", test_split)):
        pooled[name], hit = pooled_hidden_states(base, split.texts, args.max_length, batch_size=args.eval_batch_size,
                                                 progress=args.progress)
        cached.append(hit)
    feature_seconds = time.perf_counter() - start
    start = time.perf_counter()
    x = _combined(pooled["train"], spec).astype(np.float64)
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=args.sklearn_c, max_iter=args.sklearn_max_iter, solver="lbfgs")
    ovr = OneVsRestClassifier(lr).fit(scaler.transform(x), train_split.targets)
    weight = np.zeros((len(ovr.estimators_), x.shape[1]))
    bias = np.zeros(len(ovr.estimators_))
    iterations = []
    for j, est in enumerate(ovr.estimators_):
        if hasattr(est, "coef_"):
            weight[j] = est.coef_[0] / scaler.scale_
            bias[j] = est.intercept_[0] - weight[j] @ scaler.mean_
            iterations.append(int(est.n_iter_[0]))
        else:  # one class only in train: sklearn keeps a constant predictor
            p = float(np.clip(est.predict_proba(x[:1])[0, 1], 1e-6, 1 - 1e-6))
            bias[j] = np.log(p / (1 - p))
            iterations.append(0)
    fit_seconds = time.perf_counter() - start
    head = MeanPoolHead(base.config.hidden_size, len(bias), 0.0, spec.layers, spec.combine)
    with torch.no_grad():
        head.linear.weight.copy_(torch.from_numpy(weight))
        head.linear.bias.copy_(torch.from_numpy(bias))
    head.eval()

    def probs(name: str) -> np.ndarray:
        with torch.no_grad():
            return sigmoid(head.classify(torch.from_numpy(_combined(pooled[name], spec))).numpy())

    dev_probs, test_probs = probs("dev"), probs("test")
    log.epoch_end(dev_probs)
    timing = {"feature_seconds": round(feature_seconds, 1), "features_cached": all(cached),
              "fit_seconds": round(fit_seconds, 1)}
    solver = {"solver": "lbfgs", "C": args.sklearn_c, "max_iter": args.sklearn_max_iter, "iterations": iterations,
              "converged": all(i < args.sklearn_max_iter for i in iterations)}
    return None, head, dev_probs, test_probs, {"features": spec.as_json(), "dropout": 0.0}, \
        {"features": spec.as_json(), "timing": timing, "sklearn": solver}
