"""What fine-tuning changed inside BERT: the same sentences through the base and the fine-tuned encoder.

Per layer, linear CKA between the two sets of token vectors (Kornblith et al. 2019); per head, the
mean Jensen-Shannon divergence between the two attention distributions of every query token; for
LoRA, the Frobenius norm of each low-rank update ΔW = B·A·scaling read from the adapter weights;
for one sentence, the cosine between base and fine-tuned vectors of each token at each layer.

Design decisions: the probe set is fixed (the polysemy sets and assets/finetune/probe_sentences.json,
all written for this project, in the model's language), so two classifiers are always compared
on the same ~200 sentences; the comparison is computed once per classifier and kept in the one
``Cache``. Linear CKA is a few lines of numpy here because no well-kept library offers it (sklearn
and scipy do not). Over the probe set it is accumulated batch by batch (``CkaSums``: the sums of
x·yᵀ, x·xᵀ, y·yᵀ and of the vectors), so no token vector outlives its batch: this view runs in the
server, whose peak memory the class shares. The JS divergence uses scipy's ``rel_entr`` and is
checked against scipy's ``jensenshannon``; ΔW is checked against peft's own ``get_delta_weight``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from scipy.special import rel_entr

from components.core.analysis import analyze
from components.core.cache import Cache
from components.core.classifier import Classifier, encode_batches
from components.core.messages import UserError
from components.core.models import LoadedModel, load_model

__all__ = ["MATRICES", "Changes", "CkaSums", "compare", "forget", "js_divergence", "lora_updates",
           "probe_sentences", "token_cosines"]

ASSETS = Path(__file__).resolve().parents[2] / "assets"
# the weight matrices LoRA adapts in every layer (train.LORA_TARGETS), in reading order
MATRICES = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
            "attn_out": "attention.output.dense", "ffn_in": "intermediate.dense", "ffn_out": "output.dense"}


@dataclass(frozen=True, eq=False)
class Changes:
    directory: str
    method: str
    base: str
    n_sentences: int
    cka: np.ndarray  # (L+1,) 0 = the embedding output
    js: np.ndarray  # (L, H)
    lora: np.ndarray | None  # (L, len(MATRICES)) ‖ΔW‖_F, None without an adapter
    lora_relative: np.ndarray | None  # ‖ΔW‖_F / ‖W‖_F


_changes: Cache[Changes] = Cache("finetune-changes", max_entries=4)


def probe_sentences(language: str) -> tuple[str, ...]:
    """The fixed probe set for a model's language ("en", "zh"; "multi": both)."""
    wanted = {"en": ("en",), "zh": ("zh",)}.get(language, ("en", "zh"))
    sentences: list[str] = []
    for path in sorted((ASSETS / "polysemy").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["language"] in wanted:
            sentences += [s for sense in data["senses"] for s in sense["sentences"]]
    own = json.loads((ASSETS / "finetune" / "probe_sentences.json").read_text(encoding="utf-8"))
    for lang in wanted:
        sentences += own[lang]
    return tuple(dict.fromkeys(sentences))


class CkaSums:
    """Linear CKA of two representations fed in batches: the centred Gram terms are sums minus the outer
    product of the sums over n (X_cᵀY_c = Σxyᵀ - ΣxΣyᵀ/n), accumulated in float64."""

    def __init__(self) -> None:
        self.n, self.sx, self.sy, self.sxy, self.sxx, self.syy = 0, 0.0, 0.0, 0.0, 0.0, 0.0

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.n += len(x)
        self.sx, self.sy = self.sx + x.sum(0), self.sy + y.sum(0)
        self.sxy, self.sxx, self.syy = self.sxy + y.T @ x, self.sxx + x.T @ x, self.syy + y.T @ y

    def value(self) -> float:
        if not self.n:
            return 1.0
        cross = np.linalg.norm(self.sxy - np.outer(self.sy, self.sx) / self.n) ** 2
        scale = (np.linalg.norm(self.sxx - np.outer(self.sx, self.sx) / self.n)
                 * np.linalg.norm(self.syy - np.outer(self.sy, self.sy) / self.n))
        return float(cross / scale) if scale > 0 else 1.0


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence in bits (0..1) between distributions along the last axis."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    m = (p + q) / 2
    return np.clip((rel_entr(p, m).sum(-1) + rel_entr(q, m).sum(-1)) / (2 * np.log(2)), 0.0, 1.0)


def lora_updates(adapter: Path, base: torch.nn.Module) -> tuple[np.ndarray, np.ndarray]:
    """(‖ΔW‖_F, ‖ΔW‖_F / ‖W‖_F) per layer and matrix, ΔW = B @ A * scaling from adapter_model.safetensors."""
    from safetensors.torch import load_file

    config = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    weights = load_file(str(adapter / "adapter_model.safetensors"))
    r, alpha = config["r"], config["lora_alpha"]
    scaling = alpha / (r ** 0.5 if config.get("use_rslora") else r)
    state = base.state_dict()
    layers = base.config.num_hidden_layers
    norms, relative = np.zeros((layers, len(MATRICES))), np.zeros((layers, len(MATRICES)))
    for i in range(layers):
        for j, module in enumerate(MATRICES.values()):
            name = f"encoder.layer.{i}.{module}"
            a = weights.get(f"base_model.model.{name}.lora_A.weight")
            b = weights.get(f"base_model.model.{name}.lora_B.weight")
            if a is None or b is None:
                continue
            delta = (b.double() @ a.double()) * scaling
            norms[i, j] = float(torch.linalg.norm(delta))
            relative[i, j] = norms[i, j] / max(float(torch.linalg.norm(state[f"{name}.weight"].double())), 1e-12)
    return norms, relative


@torch.no_grad()
def _probe(base, tuned, tokenizer, texts, max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(CKA per layer, mean JS per layer and head) over every real token of ``texts``.

    CKA's sums and the attention divergences are accumulated batch by batch, so no hidden state or
    attention tensor outlives its batch."""
    sums: list[CkaSums] = []
    js_sum, n_rows = 0.0, 0
    for _idx, ids, mask in encode_batches(tokenizer, texts, 32, max_length):
        a = base(input_ids=ids, attention_mask=mask, output_hidden_states=True, output_attentions=True)
        b = tuned(input_ids=ids, attention_mask=mask, output_hidden_states=True, output_attentions=True)
        real = mask.bool()
        sums = sums or [CkaSums() for _ in a.hidden_states]
        for layer, x, y in zip(sums, a.hidden_states, b.hidden_states):
            layer.add(x[real].numpy(), y[real].numpy())
        # every real query row: (layers, rows, heads, keys) -> divergence summed over rows
        rows_a = torch.stack(a.attentions).permute(0, 1, 3, 2, 4)[:, real].numpy()
        rows_b = torch.stack(b.attentions).permute(0, 1, 3, 2, 4)[:, real].numpy()
        js_sum = js_sum + js_divergence(rows_a, rows_b).sum(1)
        n_rows += int(real.sum())
    return np.array([layer.value() for layer in sums]), js_sum / max(n_rows, 1)


def _base_of(classifier: Classifier) -> LoadedModel:
    base = classifier.info.get("base_model") if classifier.info else None
    if not base:
        raise UserError("ft_chg_no_base", name=str(classifier.directory or classifier.model.name))
    return load_model(base)


def compare(classifier: Classifier) -> Changes:
    """Base vs fine-tuned on the probe set (computed once per classifier directory)."""
    base = _base_of(classifier)

    def compute() -> Changes:
        texts = probe_sentences(base.language)
        cka, js = _probe(base.encoder, classifier.model.encoder, base.tokenizer, texts, classifier.max_length)
        method = classifier.info.get("method", "")
        lora = relative = None
        if method == "lora":
            lora, relative = lora_updates(Path(classifier.directory) / "adapter", base.encoder)
        return Changes(directory=str(classifier.directory), method=method, base=base.name, n_sentences=len(texts),
                       cka=cka, js=js, lora=lora, lora_relative=relative)

    return _changes.get_or_compute(_key(classifier.directory), compute)


def token_cosines(classifier: Classifier, text: str) -> tuple[tuple[str, ...], np.ndarray, list]:
    """(tokens, cosine (L+1, T) between base and fine-tuned vectors, notes about the input) for ``text``."""
    base = _base_of(classifier)
    a = analyze(base, text, max_length=classifier.max_length)
    b = analyze(classifier.model, text, max_length=classifier.max_length)
    x, y = a.hidden_states.astype(np.float64), b.hidden_states.astype(np.float64)
    cos = (x * y).sum(-1) / np.maximum(np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1), 1e-12)
    return a.tokens, cos, a.warnings()


def _key(directory) -> str:
    return str(Path(directory).resolve())


def forget(directory: str | Path) -> None:
    """Drop a deleted classifier's comparison."""
    _changes.pop(_key(directory))
