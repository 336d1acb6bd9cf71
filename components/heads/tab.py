"""The Head roles tab: every head measured over a corpus (built-in or the class's own sentences).

Heavy work (one pass over up to ``MAX_SENTENCES`` sentences) with a progress bar; the result is
cached on disk, so the second class gets it at once. Clicking through to a head is a deep link to
the Attention tab on the sentence where that head's role is strongest. Compute (``compute.head_roles``)
-> view (``view.heads_outputs``) -> this module, wiring only.
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import t
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.heads.compute import builtin_corpus, head_roles, parse_corpus
from components.heads.view import heads_outputs
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import TabContext, TabHandle

TAB_ID = "heads"
TITLE = "tab_heads"
CORPORA = ("en", "zh")
PROGRESS = gr.Progress()  # Gradio finds the progress bar by this default; one instance serves every call


def heads_endpoint(services: Services):
    @user_errors
    def heads(corpus: str, model_name: str, lang: str = "en", progress=PROGRESS):
        model = services.model(model_name)
        sentences = parse_corpus(corpus)

        def report(done: int, total: int) -> None:
            progress(done / max(total, 1), desc=t("heads_progress", lang))

        roles = head_roles(model, sentences, progress=report)
        show_warnings(roles.warnings(), lang)
        return heads_outputs(roles, lang)

    return heads


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("heads_intro"))
    # the box *is* the corpus: filled with a built-in one, edited or replaced by the class's own sentences
    choice = gr.Radio([(i18n("heads_fill_en"), "en"), (i18n("heads_fill_zh"), "zh")], value="en",
                      label=i18n("heads_source"), elem_id="heads-fill")
    corpus = gr.Textbox("\n".join(builtin_corpus("en")), lines=8, max_lines=14, max_length=MAX_CHARS,
                        label=i18n("heads_own"), elem_id="heads-corpus")
    run = gr.Button(i18n("heads_run"), variant="primary", elem_id="heads-run")
    summary = gr.Markdown(elem_id="heads-summary")
    grid = gr.Plot(label=i18n("heads_grid_label"), elem_id="heads-grid")
    compare = gr.Markdown(elem_id="heads-compare")
    layers = gr.Plot(label=i18n("heads_layers_label"), elem_id="heads-layers")
    with gr.Accordion(i18n("heads_table_label"), open=True):
        table = gr.Markdown(elem_id="heads-table")
    choice.input(lambda language: "\n".join(builtin_corpus(language)), [choice], [corpus], api_name=False)
    fn = heads_endpoint(ctx.services)
    inputs, outputs = [corpus, ctx.model, ctx.lang], [summary, grid, layers, compare, table]
    ctx.heavy(run.click, fn, inputs, outputs, api_name="heads")
    return TabHandle(fields={}, run=(fn, inputs, outputs), lane="heavy")

__all__ = ["CORPORA", "TAB_ID", "TITLE", "build", "heads_endpoint"]
