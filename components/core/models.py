"""Model loading: one cached function; the presets and where a model's files are live in ``sources``.

Design decision: every model the app shows is reached by *name* through ``load_model``, which
tries the cheapest honest source first (``sources.resolve``: a pip package, then the local Hugging
Face cache) and only then the network, so a classroom with no internet never waits on retries and always gets
a message naming the model and the command that fetches it. A checkpoint is loaded *once*, as
what it is: a transformers sequence classifier runs as itself (its own head, pooler and
activation, exactly as ``pipeline("text-classification")`` would), a BERT checkpoint that has
BERT's pre-training heads is loaded with them (``BertForPreTraining``), and every view reads the
encoder inside that one object, so no weights are loaded twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from components.core.cache import Cache
from components.core.messages import Msg
from components.core.sources import (  # noqa: F401 - re-exported: the registry is reached through this module
    ARCHITECTURES,
    DEFAULT_MODEL,
    PRESETS,
    ModelUnavailable,
    Preset,
    cached_snapshot,
    checkpoint_heads,
    hub_endpoint,
    hub_offline,
    hub_reachable,
    package_dir,
    prefetch_model,
    resolve,
)

__all__ = [
    "ARCHITECTURES", "DEFAULT_MODEL", "PRESETS", "LoadedModel", "ModelUnavailable", "Preset", "activation_for",
    "hub_reachable", "load_model", "model_shape", "model_status", "prefetch_model", "reads_chinese",
]

log = logging.getLogger("bertlens")


def activation_for(problem_type: str | None, num_labels: int) -> str:
    """'sigmoid', 'softmax' or 'none', chosen exactly as transformers' TextClassificationPipeline does."""
    if problem_type == "regression":
        return "none"
    if problem_type == "multi_label_classification" or num_labels == 1:
        return "sigmoid"
    return "softmax"


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A tokenizer and an encoder (eager attention), with the heads its checkpoint carries.

    ``full`` is the module as loaded (a ``*ForSequenceClassification`` or ``BertForPreTraining``)
    when it is more than the encoder; ``head`` is a callable head of our own (hidden [B,T,H],
    mask [B,T]) -> logits [B,C] for classifiers trained by this project. A head whose ``layers``
    attribute is set (not None) reads several layers: it is given the tuple of all hidden states.
    """

    name: str
    source: str
    tokenizer: object
    encoder: torch.nn.Module
    language: str = "en"
    full: torch.nn.Module | None = None
    head: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
    labels: tuple[str, ...] = ()
    problem_type: str | None = None
    heads: tuple[str, ...] = ()  # "mlm", "nsp" when ``full`` is a BERT with its pre-training heads
    extra: dict = field(default_factory=dict)

    @property
    def config(self):
        return self.encoder.config

    @property
    def model_type(self) -> str:
        return str(getattr(self.config, "model_type", ""))

    @property
    def is_classifier(self) -> bool:
        return bool(self.labels)

    @property
    def activation(self) -> str:
        return activation_for(self.problem_type, len(self.labels))

    @property
    def uses_token_types(self) -> bool:
        """DistilBERT has no segment embeddings; RoBERTa's tokenizer does not produce them."""
        names = getattr(self.tokenizer, "model_input_names", ())
        return "token_type_ids" in names and hasattr(self.encoder.embeddings, "token_type_embeddings")

    @property
    def max_length(self) -> int:
        limit = int(self.config.max_position_embeddings)
        if self.model_type == "roberta":  # positions start after the padding index
            limit -= int(self.config.pad_token_id) + 1
        tok_limit = getattr(self.tokenizer, "model_max_length", limit) or limit
        return int(min(limit, tok_limit)) if tok_limit < 1_000_000 else limit

    def run(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None,
            *, attentions: bool = False, hidden: bool = False):
        """(logits or None, attentions tuple or None, hidden states tuple or None) for one batch."""
        kwargs = dict(input_ids=input_ids, attention_mask=attention_mask)
        if token_type_ids is not None and self.uses_token_types:
            kwargs["token_type_ids"] = token_type_ids
        if self.is_classifier and self.head is None:  # a transformers classifier runs its own head
            out = self.full(**kwargs, output_attentions=attentions, output_hidden_states=hidden)
            return out.logits, out.attentions, out.hidden_states
        all_layers = getattr(self.head, "layers", None) is not None  # the head reads more than the last layer
        out = self.encoder(**kwargs, output_attentions=attentions, output_hidden_states=hidden or all_layers)
        logits = None
        if self.head is not None:
            logits = self.head(out.hidden_states if all_layers else out.last_hidden_state, attention_mask)
        return logits, out.attentions, out.hidden_states if hidden else None


_models: Cache[LoadedModel] = Cache("models", max_entries=8)
# transformers' from_pretrained is not thread-safe: two different checkpoints loading at once (a class opening
# the app on two models) left BertForPreTraining's tied decoder untied and reported missing, so a checkpoint
# with its masked-LM head was read as one without. Loads of different names run one after another.
_LOADING = threading.Lock()
load_counts: Counter[str] = Counter()  # how often weights were actually read, per name (load tests check 1)


def load_model(name: str = DEFAULT_MODEL) -> LoadedModel:
    """Load a preset, a local directory or a Hub id; once per name (single flight)."""
    name = (name or DEFAULT_MODEL).strip()

    def load() -> LoadedModel:
        with _LOADING:
            model = _load_uncached(name)
        load_counts[name] += 1
        return model

    return _models.get_or_compute(name, load)


def model_status(name: str) -> Msg:
    """Loaded, available (package, local dir or cache) or needs download."""
    if name in _models:
        return Msg("model_status_loaded")
    preset = PRESETS.get(name)
    if (preset and package_dir(preset)) or Path(name).is_dir():
        return Msg("model_status_available")
    hub_id = preset.hub_id if preset else name
    return Msg("model_status_available") if cached_snapshot(hub_id) else Msg("model_status_download")


def model_shape(name: str | None) -> tuple[int, int]:
    """(encoder layers, heads per layer) of a model without loading its weights: the loaded model's
    config, else the config.json on disk (package, cache or directory), else the preset's published shape.
    The layer and head controls of every tab follow it before the first run."""
    name = (name or DEFAULT_MODEL).strip()
    loaded = _models.get(name)
    if loaded is not None:
        return int(loaded.config.num_hidden_layers), int(loaded.config.num_attention_heads)
    preset = PRESETS.get(name)
    folder = (package_dir(preset) or cached_snapshot(preset.hub_id)) if preset else (
        Path(name) if Path(name).is_dir() else cached_snapshot(name))
    if folder is not None and (folder / "config.json").is_file():
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        layers = config.get("num_hidden_layers", config.get("n_layers"))
        heads = config.get("num_attention_heads", config.get("n_heads"))
        if isinstance(layers, int) and isinstance(heads, int):
            return layers, heads
    return preset.shape if preset else (12, 12)


def reads_chinese(name: str) -> bool:
    """Whether a model's vocabulary holds Chinese characters, without loading it: a preset by its language,
    a directory by its vocabulary file."""
    preset = PRESETS.get(name)
    if preset is not None:
        return preset.language in ("zh", "multi")
    folder = Path(name)
    for file, mark in (("vocab.txt", "\n中\n"), ("tokenizer.json", '"中"')):
        if (folder / file).is_file() and mark in (folder / file).read_text(encoding="utf-8", errors="replace"):
            return True
    return False


def can_fill_in(name: str) -> bool:
    """Whether the model has BERT's masked-LM head (without loading it when it is not loaded yet)."""
    loaded = _models.get(name)
    if loaded is not None:
        return "mlm" in loaded.heads
    preset = PRESETS.get(name)
    if preset:
        return "mlm" in preset.heads
    return "mlm" in checkpoint_heads(Path(name)) if Path(name).is_dir() else False


def _load_uncached(name: str) -> LoadedModel:
    from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer

    where, source, language = resolve(name)
    try:
        tokenizer = AutoTokenizer.from_pretrained(where)
        config = AutoConfig.from_pretrained(where)
        model_type = getattr(config, "model_type", "")
        if model_type not in ARCHITECTURES:
            raise ModelUnavailable("model_wrong_type", name=name, model_type=model_type, allowed=list(ARCHITECTURES))
        if any(a.endswith("ForSequenceClassification") for a in config.architectures or []):
            full = AutoModelForSequenceClassification.from_pretrained(where, attn_implementation="eager").eval()
            labels = tuple(str(full.config.id2label[i]) for i in range(full.config.num_labels))
            return LoadedModel(name=name, source=source, tokenizer=tokenizer, encoder=full.base_model,
                               language=language, full=full, labels=labels, problem_type=full.config.problem_type)
        if model_type == "bert":
            full, heads = _with_pretraining_heads(where)
            if heads:
                return LoadedModel(name=name, source=source, tokenizer=tokenizer, encoder=full.bert,
                                   language=language, full=full, heads=heads)
            encoder = full.bert
        else:
            encoder = AutoModel.from_pretrained(where, attn_implementation="eager")
    except ModelUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - corrupt or partial files surface in many types
        raise ModelUnavailable("model_corrupt", name=name, source=source, error=f"{type(exc).__name__}: "
                               f"{str(exc)[:300]}", teacher=Msg("model_fetch_hint", name=name)) from exc
    return LoadedModel(name=name, source=source, tokenizer=tokenizer, encoder=encoder.eval(), language=language)


def _with_pretraining_heads(where: str):
    """A BERT checkpoint loaded as ``BertForPreTraining``, and the heads its weights really hold.

    A head whose weights are missing would be random; it is reported absent (and never used),
    which is how an encoder-only checkpoint such as all-MiniLM-L6-v2 is told apart.
    """
    from transformers import BertForPreTraining
    from transformers.utils import logging as hf_logging

    previous = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "some weights were not initialised" is expected and handled here
    try:
        full, info = BertForPreTraining.from_pretrained(where, attn_implementation="eager", output_loading_info=True)
    finally:
        hf_logging.set_verbosity(previous)
    missing = info.get("missing_keys", set())
    heads = tuple(head for head, prefix in (("mlm", "cls.predictions."), ("nsp", "cls.seq_relationship."))
                  if not any(str(k).startswith(prefix) for k in missing))
    return full.eval(), heads


