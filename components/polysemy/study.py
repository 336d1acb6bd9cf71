"""One Polysemy study: everything the views need for (encoder, sentences, target, span), computed once.

Design decision: the tab hands this module what the student typed and gets back a frozen
``Study``; the choices a teacher would question live here, each in one place: which baseline
(GloVe for English, the model's input-embedding table for Chinese or when no GloVe exists,
``compute.static_space``), which anchors (those of the built-in set whose word is the target),
the best layer (largest within-minus-across cosine gap) and what the note says. Studies live in a
bounded single-flight ``Cache``, so the layer slider never runs BERT again and thirty students
sending the same set cause one computation. A sense with one sentence still gets its maps and
matrix; only the separation curve, which is undefined for it, is replaced by a message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from components.core.analysis import is_chinese, require_language
from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.polysemy.compute import (
    Occurrences,
    Separation,
    check_senses,
    layer_curve,
    occurrence_vectors,
    separation,
    static_space,
    word_vectors,
)
from components.polysemy.sentences import Line, parse_lines
from components.polysemy.sets import builtin_sets
from components.polysemy.static_vectors import StaticVectors

__all__ = ["Study", "anchors_for", "study"]


@dataclass(frozen=True, eq=False)
class Study:
    key: str  # content digest: names exports and keys the views
    model_name: str
    tuned: bool  # the fine-tuned classifier's encoder rather than the base model
    target: str
    occurrences: Occurrences
    curve: tuple[Separation, ...] | None  # None: separation is undefined (see ``problem``)
    problem: Msg | None  # why there is no curve (a sense with one sentence)
    anchor_words: tuple[str, ...]  # anchors the model could read
    anchor_senses: tuple[str, ...]
    anchor_vectors: np.ndarray  # (M, L+1, D)
    unknown_anchors: tuple[str, ...]  # anchors that were only [UNK]
    static: StaticVectors
    static_forms: tuple[str, ...]  # the target as the sentences write it, as found in the static space
    static_anchors: tuple[tuple[str, str], ...]  # (anchor word, sense) found in the static space
    static_separation: Separation | None  # of the static lookups of every occurrence

    @property
    def n_layers(self) -> int:
        return int(self.occurrences.vectors.shape[1]) - 1

    @property
    def best_layer(self) -> int | None:
        return None if self.curve is None else int(np.argmax([c.gap for c in self.curve]))

    @property
    def stack(self) -> np.ndarray:
        """Occurrences, then anchors: (N + M, L+1, D), the points of the contextual maps."""
        return np.concatenate([self.occurrences.vectors, self.anchor_vectors]).astype(np.float32)

    @property
    def nbytes(self) -> int:
        return int(self.occurrences.vectors.nbytes + self.anchor_vectors.nbytes + self.static.matrix.nbytes)

    def note(self) -> list[Msg]:
        """The note under the figures, one message per line (rendered by the tab in the student's language)."""
        occ = self.occurrences
        pieces = sorted({" + ".join(p) for p in occ.pieces})
        encoder = Msg("poly_note_tuned" if self.tuned else "poly_note_base", model=self.model_name)
        lines = [Msg("poly_note_occurrences", n=len(occ.lines), target=self.target,
                     pieces=pieces, encoder=encoder)]
        if self.curve is None:
            lines.append(self.problem)
        else:
            best = self.curve[self.best_layer]
            lines.append(Msg("poly_note_best", layer=self.best_layer, within=best.within, across=best.across,
                             gap=best.gap, acc=best.knn_accuracy))
        if self.static_separation is not None:
            gap, acc = self.static_separation.gap, self.static_separation.knn_accuracy
            lines.append(Msg("poly_note_static", label=self.static.label, gap=gap, acc=acc)
                         if len(self.static_forms) == 1 else
                         Msg("poly_note_static_forms", label=self.static.label, forms=list(self.static_forms), gap=gap,
                             acc=acc))
        elif not self.static_forms:
            lines.append(Msg("poly_note_static_absent", target=self.target, label=self.static.label))
        missing = [w for w in self.static.missing if w != self.target]  # an absent target has its own line above
        if missing:
            lines.append(Msg("poly_note_static_missing", label=self.static.label, words=missing))
        if self.unknown_anchors:
            lines.append(Msg("poly_note_unk", model=self.model_name, words=list(self.unknown_anchors)))
        lines.append(Msg("poly_note_anchors" if self.anchor_words else "poly_note_no_anchors"))
        return lines


def anchors_for(target: str, lines: list[Line]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The anchor words of the built-in set whose word is ``target``, named as the lines name its senses."""
    names = {line.sense for line in lines}
    for chosen in builtin_sets().values():
        found = chosen.anchors_for(target, names)
        if found:
            return found
    return ()


_studies: Cache[Study] = Cache("polysemy_studies", max_entries=64, max_bytes=300_000_000, size=lambda s: s.nbytes)


def study(model: LoadedModel, text: str, target: str, span: tuple[int, int] | None, *, glove: str | None,
          tuned: bool = False) -> Study:
    """The study of ``target`` in the 'sense | sentence' ``text`` (cached, single flight)."""
    lines = parse_lines(text)
    require_language(model, target, *(line.text for line in lines))
    key = hashlib.blake2b(repr((model.name, tuned, tuple(lines), target, span, glove)).encode(),
                          digest_size=12).hexdigest()
    return _studies.get_or_compute(key, lambda: _compute(key, model, lines, target, span, glove, tuned))


def _compute(key: str, model: LoadedModel, lines: list[Line], target: str, span: tuple[int, int] | None,
             glove: str | None, tuned: bool) -> Study:
    occ = occurrence_vectors(model, lines, target, span)
    senses = occ.senses
    curve, problem = None, None
    try:
        check_senses(senses)
        curve = layer_curve(occ.vectors, senses)
    except UserError as exc:
        if exc.msg.key != "poly_note_single":
            raise
        problem = exc.msg
    anchors = anchors_for(target, lines)
    by_word = {w: sense for sense, words in anchors for w in words}
    kept, anchor_vectors, unknown = word_vectors(model, tuple(by_word))
    forms = tuple(dict.fromkeys(form.lower() for form in occ.surface))
    static = static_space(model, "zh" if is_chinese(target) else "en", (target, *forms, *by_word), glove)
    # the static baseline looks up every occurrence as its sentence writes it (the typed target when a form is missing)
    lookups = [form if form in static else target for form in occ.surface]
    static_sep = None
    if curve is not None and all(word in static for word in lookups):
        static_sep = separation(np.stack([static.vector(word) for word in lookups]), senses)
    found_forms = tuple(dict.fromkeys(static.key(w) for w in lookups if w in static))
    static_anchors = tuple((w, by_word[w]) for w in by_word if w in static and static.key(w) not in found_forms)
    return Study(key=key, model_name=model.name, tuned=tuned, target=target, occurrences=occ, curve=curve,
                 problem=problem, anchor_words=kept, anchor_senses=tuple(by_word[w] for w in kept),
                 anchor_vectors=anchor_vectors, unknown_anchors=unknown, static=static, static_forms=found_forms,
                 static_anchors=static_anchors,
                 static_separation=static_sep)
