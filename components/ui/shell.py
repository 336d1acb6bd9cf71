"""The UI shell: header, one tab per lesson, the language of each session, deep links.

Design decisions:
- *Language.* Static labels are translated in the browser by ``gr.I18n``; everything computed
  (notes, figures, tables, errors) is rendered on the server in the session's language, a
  ``gr.State`` set on page load from ``?lang=``, the teacher's last choice (localStorage) or the
  browser's language, and changed by the switch in the header, which also switches Gradio's own
  locale. API clients (gradio_client) get English unless they say otherwise.
- *Deep links.* ``/?tab=attention&text=...&layer=3`` selects the tab, fills its controls and
  runs it. Each tab names its linkable controls (``TabHandle.fields``); a parameter that is
  unknown or does not fit its control is ignored with a notice, never an error page; a link
  longer than ``MAX_LINK`` is refused with a message, on the way in and in "copy link".
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import gradio as gr

from components.core.messages import Msg, lang_of, render
from components.core.models import model_shape
from components.core.numbering import clamp, span
from components.core.services import Services, model_choices
from components.ui import about
from components.ui.errors import show_warnings
from components.ui.i18n import make_i18n
from components.ui.sliders import is_model_slider
from components.ui.widgets import TabContext, TabHandle

__all__ = ["LESSONS", "MAX_LINK", "build_demo", "launch_options"]

ASSETS = Path(__file__).resolve().parents[2] / "assets"
# lesson folders, in tab order; each has a tab.py with TAB_ID, TITLE (a message key) and build(ctx)
LESSONS = ("predict", "explain", "attention", "layer", "heads", "tokens", "polysemy", "pretraining", "finetune")
MAX_LINK = 2000  # characters: what every browser, proxy and server on the way accepts
GLOBAL_PARAMS = ("tab", "model", "lang", "projector")  # a link's parameters that belong to no tab


# Runs in the page before Gradio: the language switch (Gradio's own locale store) and plot exports.
HEAD = "<script>" + (ASSETS / "app.js").read_text(encoding="utf-8") + "</script>"
DETECT_LANG_JS = """
(ignored) => {
  const query = new URLSearchParams(window.location.search);
  const asked = query.get('lang');
  const lang = asked || window.localStorage.getItem('bertlens-lang') || navigator.language || 'en';
  if (asked || window.localStorage.getItem('bertlens-lang')) { window.bertlensSetLocale(lang); }
  const linked = query.get('projector');
  const projector = linked !== null ? ['1', 'true'].includes(linked.toLowerCase())
    : window.localStorage.getItem('bertlens-projector') === '1';
  window.bertlensProjector(projector);
  return [lang, window.location.search.length, projector];
}
"""
SWITCH_LANG_JS = "(lang) => { window.localStorage.setItem('bertlens-lang', lang); window.bertlensSetLocale(lang); " \
                 "return [lang]; }"


def _lessons():
    return [importlib.import_module(f"components.{name}.tab") for name in LESSONS]


def _coerce(component: gr.components.Component, raw: str):
    """The value a deep-link parameter gives a control, or None when it does not fit."""
    if is_model_slider(component):  # brought into the linked model's range by read_link
        try:
            return float(raw)
        except ValueError:
            return None
    if isinstance(component, gr.Slider):
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if component.minimum <= value <= component.maximum else None
    if isinstance(component, (gr.Radio, gr.Dropdown)):
        values = [c[1] if isinstance(c, (tuple, list)) else c for c in component.choices]
        return raw if raw in values else None
    if isinstance(component, gr.Checkbox):
        return {"1": True, "true": True, "0": False, "false": False}.get(raw.lower())
    if isinstance(component, gr.Textbox):
        limit = component.max_length
        return raw if limit is None or len(raw) <= limit else None
    return None


def read_link(query: dict[str, str], fields_by_tab: dict[str, dict], models: tuple[str, ...],
              query_length: int, default_model: str | None = None) -> tuple[str | None, dict, list[Msg]]:
    """(tab to open, {component: value}, notices) for a deep link's query parameters. A layer or head
    that the linked model does not have is brought into its range, with a notice."""
    if query_length > MAX_LINK:
        return None, {}, [Msg("shell_link_too_long", n=f"{query_length:,}", limit=f"{MAX_LINK:,}")]
    notices: list[Msg] = []
    tab = query.get("tab")
    if tab is not None and tab not in fields_by_tab:
        notices.append(Msg("shell_link_ignored", name="tab", why=Msg("shell_link_bad_value", value=tab[:40])))
        tab = None
    values: dict = {}
    fields = fields_by_tab[tab] if tab else {}
    for name, raw in query.items():
        if name == "model" and raw not in models:
            notices.append(Msg("shell_link_ignored", name=name, why=Msg("shell_link_bad_value", value=raw[:40])))
        if name in GLOBAL_PARAMS:  # read by the page (lang, projector) or by on_load (tab, model)
            continue
        component = fields.get(name)
        value = _coerce(component, raw) if component is not None else None
        if is_model_slider(component) and value is not None:
            model = query.get("model") if query.get("model") in models else (default_model or models[0])
            clamped = clamp(component.kind, value, model_shape(model), model)
            value = clamped.number
            if clamped.notice is not None:
                notices.append(clamped.notice)
        if component is None:
            notices.append(Msg("shell_link_ignored", name=name[:40], why=Msg("shell_link_unknown")))
        elif value is None:
            notices.append(Msg("shell_link_ignored", name=name, why=Msg("shell_link_bad_value", value=raw[:40])))
        else:
            values[component] = value
    return tab, values, notices


def build_demo(services: Services | None = None) -> gr.Blocks:
    """Build the whole app around a ``Services`` object; nothing is loaded yet."""
    services = services or Services()
    lessons = _lessons()
    i18n = make_i18n()
    with gr.Blocks(title="BERT Lens", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        lang = gr.State("en")
        session_classifier = gr.State(None)
        gr.HTML("<h1 class='bertlens-title'>BERT Lens</h1>")
        gr.Markdown(i18n("shell_subtitle"))
        with gr.Row(equal_height=True):
            model_box = gr.Dropdown(choices=services.model_choices(), value=services.config.default_model,
                                    label=i18n("shell_model"), info=i18n("shell_model_info"), scale=4,
                                    elem_id="model-menu")
            language = gr.Radio([("English", "en"), ("中文", "zh")], value="en", label=i18n("shell_language"),
                                scale=1, elem_id="language-switch")
            projector = gr.Checkbox(label=i18n("shell_projector"), value=False, scale=1, elem_id="projector-toggle")
        projector.input(None, projector, None, js="(on) => { window.bertlensProjector(on); return []; }")
        ctx = TabContext(services=services, i18n=i18n, model=model_box, lang=lang,
                         session_classifier=session_classifier)
        handles: dict[str, TabHandle] = {}
        current_tab = gr.Textbox(visible=False, value=lessons[0].TAB_ID)
        tab_titles: dict[gr.Tab, str] = {}
        with gr.Tabs() as tabs:
            for lesson in lessons:
                with gr.Tab(i18n(lesson.TITLE), id=lesson.TAB_ID, elem_id=f"tab-{lesson.TAB_ID}") as tab:
                    handles[lesson.TAB_ID] = lesson.build(ctx)
                tab.select(None, None, current_tab, js=f"() => '{lesson.TAB_ID}'")
                tab_titles[tab] = lesson.TITLE
            with gr.Tab(i18n("about_tab"), id="about", elem_id="tab-about") as tab:
                about_table = about.build(ctx)
            tab_titles[tab] = "about_tab"
        with gr.Row():
            copy = gr.Button(i18n("shell_copy_link"), size="sm", scale=0, elem_id="copy-link")
            link = gr.Textbox(label=i18n("shell_link"), interactive=False, scale=4, elem_id="view-link",
                              buttons=["copy"])
        _wire_links(demo, ctx, handles, tabs, current_tab, copy, link, language, about_table, projector, tab_titles)
    demo.bertlens_i18n = i18n  # launch() needs the same instance the components used
    return demo


def _wire_links(demo, ctx: TabContext, handles: dict[str, TabHandle], tabs, current_tab, copy, link, language,
                about_table, projector, tab_titles: dict) -> None:
    services = ctx.services
    # the load and switch events need names only: they never run a model (nor close over Services)
    models, default_model = services.config.models, services.config.default_model
    carrier = gr.Textbox(visible=False)
    query_length = gr.Number(visible=False)
    field_components = list(dict.fromkeys(c for h in handles.values() for c in h.fields.values()))
    fields_by_tab = {tab_id: h.fields for tab_id, h in handles.items()}
    lang_state, model_box = ctx.lang, ctx.model
    sliders = [block for block in demo.blocks.values() if is_model_slider(block)]
    unlinked_sliders = [s for s in sliders if s not in field_components]

    def ranges(model: str, values: dict) -> dict:
        """Every layer/head slider's range set to the model's own; values kept in range."""
        shape = model_shape(model)
        updates = {}
        for slider in sliders:
            first, last = span(slider.kind, shape)
            value = values.get(slider)
            updates[slider] = gr.update(minimum=first, maximum=last, **(
                {} if value is None else {"value": min(max(int(value), first), last)}))
        return updates

    def on_load(detected: str, length: float, projector_on: bool, request: gr.Request):
        lang = lang_of(detected)
        query = dict(request.query_params) if request is not None else {}
        tab, values, notices = read_link(query, fields_by_tab, models, int(length or 0), default_model)
        show_warnings(notices, lang)
        model = {"value": query["model"]} if query.get("model") in models else {}
        updates = {lang_state: lang, language: lang, projector: bool(projector_on),
                   model_box: gr.update(choices=model_choices(models, lang), **model),
                   about_table: about.models_markdown(models, lang)}
        if tab:
            updates[tabs] = gr.Tabs(selected=tab)
            updates[current_tab] = tab
        updates[linked] = tab
        updates.update({c: values[c] if c in values else gr.skip() for c in field_components})
        updates.update(ranges(model.get("value", default_model), values))
        return updates

    def on_model(model: str, *values):
        return ranges(model, dict(zip(sliders, values)))

    def run_linked(tab: str | None):
        return {trigger: 1 if tab_id == tab else gr.skip() for tab_id, trigger in triggers.items()}

    # one hidden trigger per tab: only the linked tab's changes, so only that tab runs. It changes in a second
    # step, once the browser holds the link's values: a trigger changed by the load event itself runs the tab
    # with the values its controls had before the link filled them.
    linked = gr.State(None)
    triggers = {tab_id: gr.Number(value=0, visible=False) for tab_id, h in handles.items() if h.run is not None}
    for tab_id, trigger in triggers.items():
        fn, inputs, run_outputs = handles[tab_id].run
        ctx.event(handles[tab_id].lane, trigger.change, fn, inputs, run_outputs, api_name=False)
    outputs = [ctx.lang, language, ctx.model, about_table, tabs, current_tab, linked, projector, *field_components,
               *unlinked_sliders]
    loaded = demo.load(on_load, [carrier, query_length, projector], outputs, js=DETECT_LANG_JS, api_name=False,
                       show_progress="hidden")
    loaded.then(run_linked, linked, list(triggers.values()), api_name=False, show_progress="hidden")

    # reads config files only (never weights), so it needs no lane
    model_box.change(on_model, [model_box, *sliders], sliders, api_name=False, show_progress="hidden")

    def on_switch(lang: str):
        # tab names are rendered here too: Gradio re-translates only the tabs a student has opened
        lang = lang_of(lang)
        titles = [gr.Tab(label=render(Msg(key), lang)) for key in tab_titles.values()]
        return lang, gr.update(choices=model_choices(models, lang)), about.models_markdown(models, lang), *titles

    language.input(on_switch, language, [lang_state, model_box, about_table, *tab_titles], js=SWITCH_LANG_JS,
                   api_name=False, show_progress="hidden")

    all_fields = [(tab_id, name, c) for tab_id, h in handles.items() for name, c in h.fields.items()]
    copy.click(None, [current_tab, ctx.model, ctx.lang, *[c for _, _, c in all_fields]], link,
               js=_copy_js([(t, n) for t, n, _ in all_fields]))


def _copy_js(fields: list[tuple[str, str]]) -> str:
    """JS for 'copy link': the current tab's controls as query parameters, refused when too long."""
    spec = json.dumps(fields)
    too_long = {lang: render(Msg("shell_link_too_long", n="__N__", limit=f"{MAX_LINK:,}"), lang)
                for lang in ("en", "zh")}
    return f"""
(tab, model, lang, ...values) => {{
  const fields = {spec};
  const query = new URLSearchParams();
  query.set('tab', tab); query.set('model', model);
  fields.forEach(([t, name], i) => {{
    const v = values[i];
    if (t === tab && v !== null && v !== undefined && String(v) !== '') query.set(name, String(v));
  }});
  if (document.body.classList.contains('projector')) query.set('projector', '1');
  const url = window.location.origin + window.location.pathname + '?' + query.toString();
  if (url.length > {MAX_LINK}) {{
    return {json.dumps(too_long, ensure_ascii=False)}[lang].replace('__N__', url.length.toLocaleString('en'));
  }}
  if (navigator.clipboard && window.isSecureContext) {{ navigator.clipboard.writeText(url).catch(() => {{}}); }}
  return url;
}}
"""


def theme() -> gr.themes.Base:
    """Gradio's default theme with its text face in the two weights that ship whole.

    Gradio 6.31's ``SourceSansPro-SemiBold.woff2`` (the 600 face its default theme declares) holds 55 glyphs
    (space, "A", "B", some Cyrillic): every bold word on the page mixed Source Sans' "A" and "B" with the
    browser's fallback bold for every other letter. Declaring 400 and 700 (``SourceSansPro-Bold.woff2`` is
    complete) lets the browser draw a 600 request with the 700 face, all letters alike."""
    face = gr.themes.LocalFont("Source Sans Pro", weights=(400, 700))  # Gradio's own files: never fetched online
    return gr.themes.Default(font=[face, "ui-sans-serif", "system-ui", "sans-serif"])


def launch_options(demo, mcp: bool = False) -> dict:
    """Keyword arguments for ``demo.launch`` that belong to the app, not to the deployment.

    With ``mcp``, Gradio also serves every named endpoint as an MCP tool, described by
    ``components/ui/mcp.py``."""
    options = dict(i18n=demo.bertlens_i18n, footer_links=["api"], show_error=False, head=HEAD,
                   css_paths=[str(ASSETS / "style.css")], theme=theme())
    if mcp:
        from components.ui.mcp import describe_tools

        describe_tools(demo)
        options["mcp_server"] = True
    return options
