"""BERT Lens as an MCP server: every lesson's endpoint a tool with an English description.

    python app.py --mcp            (or BERTLENS_MCP=1, e.g. a Space's variable)

Gradio turns each named API endpoint into an MCP tool (``launch(mcp_server=True)``, the
``gradio[mcp]`` extra) and describes it from the event function's docstring. Our endpoint
functions are closures built by the tabs, whose docstrings speak of wiring, so the tool texts are
kept here, one per ``api_name`` (each tool is named after its endpoint), in the words an MCP client
needs: what the tool takes and what it returns. They are applied to the built app's functions as ``api_description``;
``tests/test_mcp.py`` fails when an endpoint has no text here, so a new lesson cannot ship a tool
without one. These texts are for programs, not students, so they exist in English only.
"""

from __future__ import annotations

import os

__all__ = ["ENV", "TOOLS", "describe_tools", "mcp_enabled"]

ENV = "BERTLENS_MCP"

_NUMBERING = " Layers and heads are numbered from 1."

TOOLS: dict[str, str] = {
    "predict": "Classify the emotions of an English sentence with BERT Lens' fine-tuned multi-label "
               "classifier (28 GoEmotions labels). Takes the text, a threshold mode and the model name; "
               "returns a bar figure of every label's probability, the labels above their thresholds and a note.",
    "explain": "Explain one label of the emotion classifier for a sentence: per-token attributions by "
               "Integrated Gradients (captum) or gradient x input. Takes the text, the label, the method and "
               "the output (probability or logit); returns the attribution figure and a summary note.",
    "explain_heads": "Switch off chosen attention heads of the classifier's encoder and show how one "
                     "label's score changes. Takes the text, the label and the heads (e.g. L3H6); returns the "
                     "score before and after." + _NUMBERING,
    "explain_scan": "Switch off each attention head of the classifier's encoder in turn and measure the "
                    "change of one label's score: returns a layer x head grid figure of the effects." + _NUMBERING,
    "attention": "Show a BERT model's attention for a sentence (or a sentence pair): one head, a layer's "
                 "mean or attention rollout, as a token x token heatmap. Takes the text, the layer, the head "
                 "and the view; returns the figure, a note, and the layer and head shown." + _NUMBERING,
    "attention_bertviz": "Build bertviz's head and model views for a sentence, offline, as a sandboxed HTML "
                         "document. Takes the text and the model; returns the HTML.",
    "tokens": "Show how BERT tokenizes a sentence or sentence pair: every WordPiece token with its id, "
              "kind, segment, position and embedding norms. Returns the table, a summary and a figure.",
    "polysemy": "Show how one word's contextual vectors (e.g. 'bank' in different sentences) separate by "
                "sense from layer to layer, against static GloVe vectors. Takes the word, the sentences "
                "(one a line, with sense tags) and the model; returns figures and a table. Hidden states are "
                "numbered 0 (embedding output) to N (output of layer N).",
    "fill_mask": "Masked-language-model predictions from BERT's own pre-training head: the most likely "
                 "words for each [MASK] in the text. Needs a model with that head (bert-base-*). Returns a "
                 "figure and a table of candidates with probabilities.",
    "next_sentence": "BERT's next-sentence-prediction head: the probability that sentence B follows "
                     "sentence A. Needs a model with that head (bert-base-*). Returns the probabilities.",
    "masking_recipe": "Apply BERT's masking recipe (15% of tokens: 80% [MASK], 10% random, 10% kept) to a "
                      "sentence with a seed, as in pre-training. Returns the masked sequence as a table.",
    "finetune_changes": "Compare the base encoder with the fine-tuned classifier's encoder on probe sentences: "
                        "how far each layer's vectors moved. Returns figures and a note." + _NUMBERING,
    "train": "Start a short live fine-tuning run (minutes) of a classifier in this session, with progress. "
             "Returns the learning curve and the before/after scores.",
    "cancel_training": "Cancel this session's live fine-tuning run.",
    "layer": "Recompute one encoder layer of a BERT model for one query token, step by step from the "
             "checkpoint's own weights: q, k, v of a head, the scores, the softmax attention row, the head "
             "outputs, residual + LayerNorm, the feed-forward network and the layer's output, with checks "
             "against the model's own outputs. Takes the text (and an optional second sentence), the model, the "
             "layer, the head, the token position (from 0; -1 for the first token after [CLS]) and an optional "
             "guess (a position); returns one sentence and one figure per step, the attention row as a table "
             "and a JSON record (tokens, scores, attention_row, output, checks). Layer L reads hidden_states[L-1] "
             "and writes hidden_states[L]." + _NUMBERING,
    "heads": "Measure the role of every attention head over a corpus (built-in, or sentences one a line): "
             "mean attention share to [CLS], [SEP], punctuation, the token itself, the previous and the next "
             "token, and the entropy; returns a layer x head grid and a table." + _NUMBERING,
    "evaluate": "Evaluate the emotion classifier label by label on a dataset split or an uploaded CSV/TSV/JSONL "
                "file (columns text and labels): per-label precision, recall, F1, support and threshold, "
                "macro- and micro-F1, a co-occurrence figure and a chosen label's misses and false alarms.",
    "predict_compare": "Classify two sentences and show the change of every label's probability from the "
                       "first to the second (a minimal pair).",
    "explain_compare": "Attributions of one label for two sentences, aligned on one colour scale.",
    "attention_compare": "Attention of one head for two sentences: the difference of the two heatmaps when "
                         "both have the same number of tokens, else both side by side." + _NUMBERING,
}


def mcp_enabled(flag: bool = False) -> bool:
    """``--mcp`` on the command line, or the environment switch set to 1/true/yes (for Spaces)."""
    return flag or os.environ.get(ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def describe_tools(demo) -> list[str]:
    """Give every named endpoint of ``demo`` its tool text; returns the endpoints that have none."""
    missing = []
    for block_fn in demo.fns.values():
        name = block_fn.api_name
        if not isinstance(name, str) or block_fn.api_visibility != "public":
            continue
        if name in TOOLS:
            block_fn.api_description = TOOLS[name]
            # Gradio names a tool after its function; ours are closures named for their tab's wiring
            # ('fill', 'changed'), so the tool takes the endpoint's name, the one the API docs show
            if callable(block_fn.fn) and hasattr(block_fn.fn, "__name__"):
                block_fn.fn.__name__ = name
        else:
            missing.append(name)
    return missing
