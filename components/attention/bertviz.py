"""bertviz's own head view and model view, as a self-contained, offline, sandboxed document.

Design decision: we run bertviz's real JavaScript (``head_view.js``/``model_view.js``, read at
run time from the installed ``bertviz`` package) instead of redrawing it, and replace what makes
it fail in a web app: its CDN ``require`` of d3 and jQuery is answered by a five-line shim
with d3 3.5 and jQuery 3.7 read from the installed ``XStatic-D3``/``XStatic-jQuery`` wheels
(nothing is copied into this repository); the document goes into an ``<iframe srcdoc>`` with
``sandbox="allow-scripts"`` (no same origin: it cannot touch the app) and a CSP that forbids
every network request. User text is data: tokens travel as JSON with ``< > &`` and U+2028/9
escaped, and bertviz writes them with ``.text()``. The weights travel as base64 uint16 in
thousandths (3 decimals, ~2.7 bytes per weight instead of ~20 in bertviz's JSON), bounded by
``MAX_WEIGHTS``; beyond it the views keep the layers around the chosen one, then a prefix of
the tokens, and say so.
"""

from __future__ import annotations

import base64
import html
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

__all__ = ["MAX_WEIGHTS", "BertvizPayload", "bertviz_document", "bertviz_html", "safe_json", "shape_payload"]

MAX_WEIGHTS = 1_300_000  # ~3.5 MB of base64: 6 layers x 12 heads x 128 tokens fits whole
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True, eq=False)
class BertvizPayload:
    """The weights and tokens both views draw, already bounded."""

    tokens: tuple[str, ...]
    layers: tuple[int, ...]  # which model layers are included (bertviz's include_layers)
    layer: int  # the layer the head view opens on
    n_heads: int
    weights: bytes  # uint16 little-endian thousandths, shape (len(layers), n_heads, T, T)
    sentence_b_start: int | None
    notice: str  # empty when nothing was left out


def safe_json(value: object) -> str:
    """JSON that can sit inside a <script> element: no tag, entity or line separator survives."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def shape_payload(attentions: np.ndarray, tokens: tuple[str, ...], segment_ids: np.ndarray, layer: int,
                  max_weights: int = MAX_WEIGHTS) -> BertvizPayload:
    """Round to 3 decimals and keep within ``max_weights``: all layers, else a window around ``layer``,
    else one layer on a prefix of the tokens."""
    n_layers, n_heads, n_tokens = attentions.shape[0], attentions.shape[1], attentions.shape[-1]
    layer = min(max(layer, 0), n_layers - 1)
    per_layer = n_heads * n_tokens * n_tokens
    fit = max_weights // per_layer
    notice = ""
    keep_tokens = n_tokens
    if fit >= n_layers:
        layers = list(range(n_layers))
    elif fit >= 1:
        start = min(max(layer - fit // 2, 0), n_layers - fit)
        layers = list(range(start, start + fit))
        notice = (f"To keep the page light, the bertviz views include layers {layers[0]}–{layers[-1]} "
                  f"of {n_layers}; move the layer slider to see others.")
    else:
        layers = [layer]
        keep_tokens = max(2, math.isqrt(max_weights // n_heads))
        notice = (f"To keep the page light, the bertviz views show layer {layer} and the first {keep_tokens} "
                  f"of {n_tokens} tokens (rows renormalised); the heatmap above shows them all.")
    block = np.asarray(attentions[layers], dtype=np.float64)[..., :keep_tokens, :keep_tokens]
    if keep_tokens < n_tokens:
        block = block / block.sum(axis=-1, keepdims=True)
    weights = np.rint(block * 1000).astype("<u2").tobytes()
    segments = np.asarray(segment_ids[:keep_tokens])
    b_start = int(np.argmax(segments == 1)) if (segments == 1).any() else None
    return BertvizPayload(tokens=tuple(tokens[:keep_tokens]), layers=tuple(layers), layer=layer, n_heads=n_heads,
                          weights=weights, sentence_b_start=b_start, notice=notice)


@cache
def _script(package: str, name: str) -> str:
    """A JavaScript file from an installed package, made safe to inline in a <script> element."""
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ValueError(f"The bertviz views need the Python package providing {package}/{name}: "
                         "pip install -r requirements.txt (bertviz, XStatic-D3, XStatic-jQuery).") from exc
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


# Runs inside the sandbox after d3 and jQuery: answers bertviz's require() from the globals,
# gives d3 3.5 the two d3 4+ names bertviz uses, and unpacks the weights into its nested arrays.
SHIM = """
var d3 = window.d3, jQuery = window.jQuery;
d3.schemeCategory10 = d3.scale.category10().range();
d3.scaleOrdinal = function (range) { return d3.scale.ordinal().range(range); };
var require = {config: function () {}};
function requirejs(deps, done) {
  var mods = {d3: d3, jquery: jQuery};
  done.apply(null, deps.map(function (n) { return mods[n]; }));
}
function blNested(p) {
  var raw = atob(p.weights), n = p.tokens.length, L = p.layers.length, H = p.n_heads, k = 0, out = [];
  for (var l = 0; l < L; l++) { var hs = [];
    for (var h = 0; h < H; h++) { var rows = [];
      for (var i = 0; i < n; i++) { var row = new Array(n);
        for (var j = 0; j < n; j++, k += 2) row[j] = (raw.charCodeAt(k) | (raw.charCodeAt(k + 1) << 8)) / 1000;
        rows.push(row); }
      hs.push(rows); }
    out.push(hs); }
  return out;
}
function blSlice(attn, a0, a1, b0, b1) {
  return attn.map(function (l) { return l.map(function (h) {
    return h.slice(a0, a1).map(function (r) { return r.slice(b0, b1); }); }); });
}
function blParams(p, rootId, extra) {
  var attn = blNested(p), t = p.tokens, n = t.length, b = p.sentence_b_start, data = [
    {name: 'All', attn: attn, left_text: t, right_text: t}];
  if (b !== null) {
    data.push({name: 'A->A', attn: blSlice(attn, 0, b, 0, b), left_text: t.slice(0, b), right_text: t.slice(0, b)});
    data.push({name: 'B->B', attn: blSlice(attn, b, n, b, n), left_text: t.slice(b), right_text: t.slice(b)});
    data.push({name: 'A->B', attn: blSlice(attn, 0, b, b, n), left_text: t.slice(0, b), right_text: t.slice(b)});
    data.push({name: 'B->A', attn: blSlice(attn, b, n, 0, b), left_text: t.slice(b), right_text: t.slice(0, b)});
  }
  var params = {attention: data, default_filter: '0', root_div_id: rootId, include_layers: p.layers};
  for (var key in extra) params[key] = extra[key];
  return params;
}
var BL = JSON.parse(document.getElementById('bl-data').textContent);
var BL_HEAD = blParams(BL, 'bl-head', {layer: BL.layer, heads: null});
var BL_MODEL = blParams(BL, 'bl-model', {display_mode: 'light', include_heads: BL.heads, total_heads: BL.n_heads});
"""

STYLE = """
body { margin: 0; padding: 8px 12px; font: 15px 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif;
       color: #1f2937; background: #fff; }
h3 { font-size: 17px; margin: 14px 0 4px; }
p.hint { margin: 0 0 8px; color: #4b5563; }
select { font-size: 15px; margin: 0 6px 6px 0; }
"""

FILTERS = [("0", "All"), ("1", "Sentence A -> Sentence A"), ("2", "Sentence B -> Sentence B"),
           ("3", "Sentence A -> Sentence B"), ("4", "Sentence B -> Sentence A")]


def _controls(root: str, with_layer: bool, pair: bool) -> str:
    layer = "Layer: <select id='layer'></select>" if with_layer else ""
    options = "".join(f"<option value='{v}'>{name}</option>" for v, name in FILTERS)
    filters = f"Attention: <select id='filter'>{options}</select>" if pair else ""
    return f"<div id='{root}'><span style='user-select:none'>{layer} {filters}</span><div id='vis'></div></div>"


def frame_height(payload: BertvizPayload) -> int:
    """Pixels the two views need, from bertviz's own layout constants."""
    n, n_layers = len(payload.tokens), len(payload.layers)
    head = n * 22.5 + 30 + 70
    thumb = n * 7 * (12 / payload.n_heads) + 10
    model = max(n_layers * thumb + 38, n * 18 + 55) + 70
    return int(head + model + 80)


def _attribute(text: str) -> str:
    """Escape for a double-quoted attribute, in ASCII (character references), so the document does
    not depend on the page's encoding (d3's source has Greek identifiers)."""
    return html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")


@cache
def _scripts() -> str:
    """The libraries, the shim and bertviz's views: the same for every input, built once."""
    head_js = _script("bertviz", "head_view.js").replace("PYTHON_PARAMS", "BL_HEAD")
    model_js = _script("bertviz", "model_view.js").replace("PYTHON_PARAMS", "BL_MODEL")
    return "".join([
        f"<script>{_script('xstatic.pkg.jquery', 'data/jquery.min.js')}</script>",
        f"<script>{_script('xstatic.pkg.d3', 'data/d3.js')}</script>",
        f"<script>{SHIM}</script><script>{head_js}</script><script>{model_js}</script>",
        "</body></html>",
    ])


@cache
def _scripts_attribute() -> str:
    return _attribute(_scripts())


def _body(payload: BertvizPayload) -> str:
    """Everything before the scripts: style, headings, bertviz's controls and the data."""
    data = {"tokens": list(payload.tokens), "layers": list(payload.layers), "layer": payload.layer,
            "n_heads": payload.n_heads, "heads": list(range(payload.n_heads)),
            "sentence_b_start": payload.sentence_b_start, "weights": base64.b64encode(payload.weights).decode()}
    pair = payload.sentence_b_start is not None
    return "".join([
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<style>{STYLE}</style></head><body>",
        "<h3>bertviz head view</h3><p class='hint'>Lines join each token (left) to the tokens it attends to "
        "(right); one colour per head. Hover a token to isolate it; click a colour square to toggle a head, "
        "double-click to show only that head.</p>",
        _controls("bl-head", True, pair),
        "<h3>bertviz model view</h3><p class='hint'>Every head of every layer as a thumbnail; "
        "click one to enlarge it.</p>",
        _controls("bl-model", False, pair),
        f"<script type='application/json' id='bl-data'>{safe_json(data)}</script>",
    ])


def bertviz_document(payload: BertvizPayload) -> str:
    """The complete HTML document (what srcdoc holds): scripts inline, network forbidden."""
    return _body(payload) + _scripts()


def bertviz_html(payload: BertvizPayload) -> str:
    """The value for a ``gr.HTML``: an optional notice and the sandboxed iframe."""
    notice = f"<p style='margin:4px 0'>{html.escape(payload.notice)}</p>" if payload.notice else ""
    srcdoc = _attribute(_body(payload)) + _scripts_attribute()
    return (f"{notice}<iframe title='bertviz head view and model view' sandbox='allow-scripts' "
            f"referrerpolicy='no-referrer' style='width:100%;border:1px solid #e5e7eb;border-radius:8px' "
            f"height='{frame_height(payload)}' srcdoc=\"{srcdoc}\"></iframe>")
