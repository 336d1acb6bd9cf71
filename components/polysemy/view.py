"""What the Polysemy tab shows for one study at one layer, in one language, and its exports.

Design decision: a ``View`` (four figures, the note, the coordinates table) is rendered once per
(study, layer, language) and kept in a bounded single-flight ``Cache``: a class moving the slider
over the same set shares the figures (they are only read afterwards, when Gradio serialises
them). The vectors are exported as one ``.npy`` per study, written once (atomically) into a
temporary folder that keeps only the most recent files; the 2-D coordinates travel as the
table the page already holds, downloaded as CSV in the browser.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from components.core.cache import Cache
from components.core.figures import export_name
from components.core.messages import lang_of, render, t
from components.core.text import escape
from components.polysemy.compute import cosine_matrix
from components.polysemy.figures import (
    contextual_space_figure,
    cosine_matrix_figure,
    layer_curve_figure,
    static_space_figure,
)
from components.polysemy.projection import project, project_layer
from components.polysemy.study import Study

__all__ = ["COLUMNS", "View", "polysemy_outputs", "render_view", "vectors_file"]

COLUMNS = ("index", "sense", "kind", "text", "layer", "x", "y")
COLUMN_KEYS = {
    "index": "poly_col_index", "sense": "poly_col_sense", "kind": "poly_col_kind", "text": "poly_col_text",
    "layer": "poly_col_layer", "x": "poly_col_x", "y": "poly_col_y",
}
KEEP_EXPORTS = 32  # .npy files kept in the export folder; older ones are deleted


@dataclass(frozen=True, eq=False)
class View:
    layer: int  # the layer shown (the request's, clamped to the model)
    static: go.Figure
    contextual: go.Figure
    matrix: go.Figure
    curve: go.Figure
    note: str  # Markdown, user text escaped
    coordinates: dict  # {"headers": [...], "data": [[...]]} for a gr.Dataframe


_views: Cache[View] = Cache("polysemy_views", max_entries=96)
_exports: Cache[Path] = Cache("polysemy_exports", max_entries=KEEP_EXPORTS)


def render_view(study: Study, layer: int, lang: str) -> View:
    """The view of ``study`` at ``layer`` (clamped to 0..last) in ``lang``; cached."""
    shown = int(min(max(int(layer), 0), study.n_layers))
    lang = lang_of(lang)
    return _views.get_or_compute((study.key, shown, lang), lambda: _render(study, shown, lang))


def polysemy_outputs(study: Study, layer: int, lang: str) -> tuple:
    """(static map, contextual map, cosine matrix, layer curve, note, coordinates, .npy path, layer shown) in the
    order of the tab's outputs."""
    view = render_view(study, layer, lang)
    return (view.static, view.contextual, view.matrix, view.curve, view.note, view.coordinates,
            str(vectors_file(study)), view.layer)


def _render(study: Study, layer: int, lang: str) -> View:
    projection = project_layer(study.stack, layer)
    static_points = [study.static.vector(w) for w in (*study.static_forms, *(w for w, _ in study.static_anchors))]
    static_map = project(np.stack(static_points)) if study.static_forms else None
    note = "\n\n".join(f"- {render(m, lang, escape=lambda s: escape(s, markdown=True))}" for m in study.note())
    return View(
        layer=layer,
        static=static_space_figure(study, static_map, lang),
        contextual=contextual_space_figure(study, projection, layer, lang),
        matrix=cosine_matrix_figure(study, cosine_matrix(study.occurrences.vectors[:, layer]), layer, lang),
        curve=layer_curve_figure(study, layer, lang),
        note=note,
        coordinates=_coordinates(study, projection.coords, layer, lang),
    )


def _coordinates(study: Study, coords: np.ndarray, layer: int, lang: str) -> dict:
    """One row per point of the contextual map (the text is the student's, shown as text by the table)."""
    occ = study.occurrences
    rows = [[i + 1, line.sense, t("poly_kind_occurrence", lang), line.text] for i, line in enumerate(occ.lines)]
    rows += [[len(occ.lines) + j + 1, sense, t("poly_kind_anchor", lang), word]
             for j, (word, sense) in enumerate(zip(study.anchor_words, study.anchor_senses))]
    data = [[*row, layer, round(float(x), 4), round(float(y), 4)] for row, (x, y) in zip(rows, coords)]
    return {"headers": [t(COLUMN_KEYS[c], lang) for c in COLUMNS], "data": data}


def _export_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"bertlens-polysemy-{os.getuid() if hasattr(os, 'getuid') else 0}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def vectors_file(study: Study) -> Path:
    """The study's vectors, (sentences, layers + 1, hidden) float32, as an .npy file named after the view."""
    return _exports.get_or_compute(study.key, lambda: _write(study))


def _write(study: Study) -> Path:
    folder = _export_dir()
    old = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for stale in old[: max(0, len(old) - KEEP_EXPORTS + 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    target = folder / study.key / f"{export_name('polysemy-vectors', study.target)}.npy"
    target.parent.mkdir(exist_ok=True)
    partial = target.with_suffix(".partial")
    with open(partial, "wb") as out:
        np.save(out, study.occurrences.vectors)
    os.replace(partial, target)
    return target
