"""bertviz's own head view and model view, as a self-contained, offline, sandboxed document.

Design decision: we run bertviz's real JavaScript (``head_view.js``/``model_view.js``, read at
run time from the installed ``bertviz`` package) instead of redrawing it, and replace what makes
it fail in a web app: its CDN ``require`` of d3 and jQuery is answered by a small shim with d3
3.5 and jQuery 3.7 read from the installed ``XStatic-D3``/``XStatic-jQuery`` wheels (nothing is
copied into this repository); the document goes into an ``<iframe srcdoc>`` with
``sandbox="allow-scripts"`` (no same origin: it cannot touch the app) and a CSP that forbids
every network request. User text is data: tokens travel as JSON with ``< > &`` and U+2028/9
escaped, and bertviz writes them with ``.text()``.

Size: the weights travel as 8-bit levels (1/255 steps: indistinguishable as line opacity) and,
like the libraries, deflate-compressed and base64-encoded; the browser inflates them with its
native ``DecompressionStream`` and then starts the scripts. 128 tokens on minilm make well under
1.5 MB (bertviz's default page: 107 MB). ``MAX_WEIGHTS`` bounds very long inputs: the views keep
the layers around the chosen one, then a prefix of the tokens, and say so.
"""

from __future__ import annotations

import base64
import html
import json
import math
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from components.core.messages import Msg, UserError, render, t

__all__ = ["MAX_WEIGHTS", "BertvizPayload", "bertviz_document", "bertviz_html", "safe_json", "shape_payload"]

MAX_WEIGHTS = 1_300_000  # 6 layers x 12 heads x 128 tokens fits whole
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
LIBRARIES = (("xstatic.pkg.jquery", "data/jquery.min.js"), ("xstatic.pkg.d3", "data/d3.js"))
VIEWS = (("bertviz", "head_view.js", "BL_HEAD"), ("bertviz", "model_view.js", "BL_MODEL"))
# bertviz's own labels, rewritten as its scripts are served: layers and heads counted from 1, as every tab
# counts them, and the axis titles in the reader's language (``BL.labels``, set per document). Every target
# must be found: a bertviz release that changes one fails loudly instead of showing 0-based or English labels.
PATCHES = {
    "head_view.js": ((".val(layer).text(layer)", ".val(layer).text(layer + 1)"),),
    "model_view.js": (
        ('.text("Heads")', ".text(BL.labels.heads)"), ('.text("Layers")', ".text(BL.labels.layers)"),
        (".text(config.heads[i])", ".text(config.heads[i] + 1)"),
        (".text(config.layers[i])", ".text(config.layers[i] + 1)"),
        ("'Layer ' + config.layers[layerIndex] + \", Head \" + config.heads[headIndex]",
         "BL.labels.detail.replace('%L', config.layers[layerIndex] + 1).replace('%H', config.heads[headIndex] + 1)"),
    ),
}


@dataclass(frozen=True, eq=False)
class BertvizPayload:
    """The weights and tokens both views draw, already bounded."""

    tokens: tuple[str, ...]
    layers: tuple[int, ...]  # which model layers are included (bertviz's include_layers)
    layer: int  # the layer the head view opens on
    n_heads: int
    weights: bytes  # uint8 levels (weight * 255), shape (len(layers), n_heads, T, T)
    sentence_b_start: int | None
    notice: Msg | None  # None when nothing was left out


def safe_json(value: object) -> str:
    """JSON that can sit inside a <script> element: no tag, entity or line separator survives."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def shape_payload(attentions: np.ndarray, tokens: tuple[str, ...], segment_ids: np.ndarray, layer: int,
                  max_weights: int = MAX_WEIGHTS) -> BertvizPayload:
    """Quantise to 8 bits and keep within ``max_weights``: all layers, else a window around ``layer``,
    else one layer on a prefix of the tokens."""
    n_layers, n_heads, n_tokens = attentions.shape[0], attentions.shape[1], attentions.shape[-1]
    layer = min(max(layer, 0), n_layers - 1)
    fit = max_weights // (n_heads * n_tokens * n_tokens)
    notice = None
    keep_tokens = n_tokens
    if fit >= n_layers:
        layers = list(range(n_layers))
    elif fit >= 1:
        start = min(max(layer - fit // 2, 0), n_layers - fit)
        layers = list(range(start, start + fit))
        notice = Msg("bv_notice_layers", first=layers[0] + 1, last=layers[-1] + 1, n=n_layers)
    else:
        layers = [layer]
        keep_tokens = max(2, math.isqrt(max_weights // n_heads))
        notice = Msg("bv_notice_tokens", layer=layer + 1, kept=keep_tokens, n=n_tokens)
    block = np.asarray(attentions[layers], dtype=np.float64)[..., :keep_tokens, :keep_tokens]
    if keep_tokens < n_tokens:
        block = block / block.sum(axis=-1, keepdims=True)
    weights = np.rint(np.clip(block, 0.0, 1.0) * 255).astype(np.uint8).tobytes()
    segments = np.asarray(segment_ids[:keep_tokens])
    b_start = int(np.argmax(segments == 1)) if (segments == 1).any() else None
    return BertvizPayload(tokens=tuple(tokens[:keep_tokens]), layers=tuple(layers), layer=layer, n_heads=n_heads,
                          weights=weights, sentence_b_start=b_start, notice=notice)


def _packed(data: bytes, level: int = 1) -> str:
    """Deflate (level 1: 16 ms for 128 tokens on minilm, against 670 ms at level 9 for 30% less) + base64."""
    return base64.b64encode(zlib.compress(data, level)).decode("ascii")


def _read(package: str, name: str) -> str:
    try:
        return resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise UserError("bv_missing", name=f"{package}/{name}") from exc


def _patched(source: str, name: str) -> str:
    for old, new in PATCHES.get(name, ()):
        if source.count(old) != 1:
            raise RuntimeError(f"bertviz's {name} no longer contains {old!r} once: update PATCHES")
        source = source.replace(old, new)
    return source


@cache
def _scripts_packed() -> str:
    """jQuery, d3, the shim and bertviz's two views, in order, as one deflated JSON list (built once)."""
    sources = [_read(p, n) for p, n in LIBRARIES] + [SHIM]
    sources += [_patched(_read(p, n), n).replace("PYTHON_PARAMS", params) for p, n, params in VIEWS]
    return _packed(json.dumps(sources).encode("utf-8"), level=9)  # built once per process


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
function blNested(p, raw) {
  var n = p.tokens.length, L = p.layers.length, H = p.n_heads, k = 0, out = [];
  for (var l = 0; l < L; l++) { var hs = [];
    for (var h = 0; h < H; h++) { var rows = [];
      for (var i = 0; i < n; i++) { var row = new Array(n);
        for (var j = 0; j < n; j++, k++) row[j] = raw[k] / 255;
        rows.push(row); }
      hs.push(rows); }
    out.push(hs); }
  return out;
}
function blSlice(attn, a0, a1, b0, b1) {
  return attn.map(function (l) { return l.map(function (h) {
    return h.slice(a0, a1).map(function (r) { return r.slice(b0, b1); }); }); });
}
function blParams(p, attn, rootId, extra) {
  var t = p.tokens, n = t.length, b = p.sentence_b_start, data = [
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
var BL_ATTN = blNested(BL, BL_WEIGHTS);
var BL_HEAD = blParams(BL, BL_ATTN, 'bl-head', {layer: BL.layer, heads: null});
var BL_MODEL = blParams(BL, BL_ATTN, 'bl-model', {display_mode: 'light', include_heads: BL.heads,
                                                  total_heads: BL.n_heads});
"""

# Inflates the weights and the scripts with the browser's own DecompressionStream, then runs the scripts.
BOOT = """
async function blInflate(b64) {
  var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
var BL = JSON.parse(document.getElementById('bl-data').textContent), BL_WEIGHTS;
(async function () {
  BL_WEIGHTS = await blInflate(BL.weights);
  var sources = JSON.parse(new TextDecoder().decode(await blInflate(document.getElementById('bl-js').textContent)));
  sources.forEach(function (source) {
    var script = document.createElement('script');
    script.textContent = source;
    document.body.appendChild(script);
  });
})();
"""

STYLE = """
body { margin: 0; padding: 8px 12px; font: 15px 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif;
       color: #1f2937; background: #fff; }
h3 { font-size: 17px; margin: 14px 0 4px; }
p.hint { margin: 0 0 8px; color: #4b5563; }
select { font-size: 15px; margin: 0 6px 6px 0; }
"""

FILTERS = (("0", "bv_filter_all"), ("1", "bv_filter_aa"), ("2", "bv_filter_bb"), ("3", "bv_filter_ab"),
           ("4", "bv_filter_ba"))


def _controls(root: str, with_layer: bool, pair: bool, lang: str) -> str:
    layer = f"{t('bv_layer', lang)} <select id='layer'></select>" if with_layer else ""
    options = "".join(f"<option value='{v}'>{html.escape(t(key, lang))}</option>" for v, key in FILTERS)
    filters = f"{t('bv_attention', lang)} <select id='filter'>{options}</select>" if pair else ""
    return f"<div id='{root}'><span style='user-select:none'>{layer} {filters}</span><div id='vis'></div></div>"


def frame_height(payload: BertvizPayload) -> int:
    """Pixels the two views need, from bertviz's own layout constants."""
    n, n_layers = len(payload.tokens), len(payload.layers)
    head = n * 22.5 + 30 + 70
    thumb = n * 7 * (12 / payload.n_heads) + 10
    model = max(n_layers * thumb + 38, n * 18 + 55) + 70
    return int(head + model + 80)


def bertviz_document(payload: BertvizPayload, lang: str = "en") -> str:
    """The complete HTML document (what srcdoc holds, and what the download saves): offline, no network."""
    data = {"tokens": list(payload.tokens), "layers": list(payload.layers), "layer": payload.layer,
            "n_heads": payload.n_heads, "heads": list(range(payload.n_heads)),
            "sentence_b_start": payload.sentence_b_start, "weights": _packed(payload.weights),
            "labels": {"layers": t("bv_axis_layers", lang), "heads": t("bv_axis_heads", lang),
                       "detail": t("bv_detail", lang, layer="%L", head="%H")}}
    pair = payload.sentence_b_start is not None
    return "".join([
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<title>{html.escape(t('bv_frame_title', lang))}</title><style>{STYLE}</style></head><body>",
        f"<h3>{html.escape(t('bv_head_title', lang))}</h3><p class='hint'>{html.escape(t('bv_head_hint', lang))}</p>",
        _controls("bl-head", True, pair, lang),
        f"<h3>{html.escape(t('bv_model_title', lang))}</h3><p class='hint'>{html.escape(t('bv_model_hint', lang))}</p>",
        _controls("bl-model", False, pair, lang),
        f"<script type='application/json' id='bl-data'>{safe_json(data)}</script>",
        f"<script type='text/plain' id='bl-js'>{_scripts_packed()}</script>",
        f"<script>{BOOT}</script></body></html>",
    ])


def _attribute(text: str) -> str:
    """Escape for a double-quoted attribute, in ASCII (character references), so the document does
    not depend on the page's encoding."""
    return html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")


def bertviz_html(payload: BertvizPayload, lang: str = "en") -> str:
    """The value for a ``gr.HTML``: an optional notice and the sandboxed iframe."""
    notice = f"<p style='margin:4px 0'>{html.escape(render(payload.notice, lang))}</p>" if payload.notice else ""
    title = html.escape(t("bv_frame_title", lang), quote=True)
    return (f"{notice}<iframe title='bertviz {title}' sandbox='allow-scripts' referrerpolicy='no-referrer' "
            f"style='width:100%;border:1px solid #e5e7eb;border-radius:8px' height='{frame_height(payload)}' "
            f"srcdoc=\"{_attribute(bertviz_document(payload, lang))}\"></iframe>")
