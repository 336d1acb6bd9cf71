"""BERT Lens: a Gradio app that shows how BERT reads. Entry point for the app and its CLI.

    python app.py                 serve the app (same as `python app.py serve`)
    python app.py prefetch        download models and vectors so a classroom can run offline
    python app.py train|evaluate  fine-tune and score a multi-label classifier
    python app.py embed           export contextual vectors of character spans
    python app.py --help          everything else

Design decision: this file only wires. Computation lives in ``components``, each tab's UI in
``components/ui/<tab>_tab.py``; nothing is loaded at import time, so ``import app`` is cheap
and tests can build the app around tiny models.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
PROJECTOR_JS = "(on) => { document.body.classList.toggle('projector', on); return []; }"
log = logging.getLogger("bertlens")


def build_demo(services=None):
    """Build the whole app (a ``gr.Blocks``) around a ``Services`` object; nothing is loaded yet."""
    import gradio as gr

    from components.attention import tab as attention_tab
    from components.core.services import Services
    from components.polysemy import tab as polysemy_tab
    from components.predict import tab as predict_tab
    from components.tokens import tab as tokens_tab
    from components.ui import about as about_tab
    from components.ui import widgets as inputs
    from components.ui.i18n import make_i18n

    services = services or Services()
    tabs = (predict_tab, attention_tab, tokens_tab, polysemy_tab, about_tab)
    i18n = make_i18n(inputs.STRINGS, *(tab.STRINGS for tab in tabs))
    with gr.Blocks(title="BERT Lens", analytics_enabled=False) as demo:
        gr.HTML("<h1 class='bertlens-title'>BERT Lens</h1>")
        gr.Markdown(i18n("subtitle"))
        with gr.Row():
            model_box = gr.Dropdown(choices=services.model_choices(), value=services.config.default_model,
                                    label=i18n("model"), info=i18n("model_info"), scale=3)
            projector = gr.Checkbox(label=i18n("projector"), value=False, scale=1, elem_id="projector-toggle")
        projector.change(None, projector, None, js=PROJECTOR_JS)
        with gr.Tabs():
            with gr.Tab(i18n("tab_predict"), id="predict"):
                predict_tab.build_predict_tab(services, i18n)
            with gr.Tab(i18n("tab_attention"), id="attention"):
                attention_tab.build_attention_tab(services, i18n, model_box)
            with gr.Tab(i18n("tab_tokens"), id="tokens"):
                tokens_tab.build_tokens_tab(services, i18n, model_box)
            with gr.Tab(i18n("tab_polysemy"), id="polysemy"):
                polysemy_tab.build_polysemy_tab(services, i18n, model_box)
            with gr.Tab(i18n("tab_about"), id="about"):
                about_tab.build_about_tab(services, i18n)
    demo.bertlens_i18n = i18n  # launch() needs the same instance the components used
    return demo


def launch_options(demo) -> dict:
    """Keyword arguments for ``demo.launch`` that belong to the app, not to the deployment."""
    return dict(i18n=demo.bertlens_i18n, footer_links=["api"], show_error=False,
                css_paths=[os.path.join(ASSETS, "style.css")])


def configure_queue(demo, concurrency: int, max_size: int):
    """Requests run `concurrency` at a time (2 CPU cores: more only adds contention);
    up to `max_size` wait in line and see their place in the queue instead of timing out."""
    return demo.queue(default_concurrency_limit=concurrency, max_size=max_size)


def warm_up(services) -> None:
    """Load the default model and classifier and compile UMAP in the background, so the first
    student does not wait; logs one "ready" line when all of it is done."""
    from components.polysemy.projection import start_warm_up

    started = time.perf_counter()
    umap_thread = start_warm_up()
    for what, step in (("model", lambda: services.analysis(None, "Warming up BERT Lens.")),
                       ("classifier", services.classifier)):
        try:
            step()
        except ValueError as exc:
            log.warning("warm-up: %s not available: %s", what, exc)
    umap_thread.join()
    log.warning("BERT Lens ready (models loaded, UMAP compiled) in %.1fs", time.perf_counter() - started)


def cmd_serve(args: argparse.Namespace) -> int:
    from components.core.models import PRESETS
    from components.core.services import AppConfig, Services

    models = tuple(dict.fromkeys([args.default_model, *PRESETS, *args.model]))
    config = AppConfig(models=models, default_model=args.default_model, classifier=args.classifier,
                       glove=args.glove, warm_up=not args.no_warm_up)
    services = Services(config)
    import torch

    # Each of the `concurrency` requests gets its share of the cores: oversubscribed threads
    # made one short forward pass 100x slower under load on a 2-core machine.
    torch.set_num_threads(args.torch_threads or max(1, (os.cpu_count() or 1) // max(1, args.concurrency)))
    demo = configure_queue(build_demo(services), args.concurrency, args.max_queue)
    if config.warm_up:
        threading.Thread(target=warm_up, args=(services,), daemon=True, name="warm-up").start()
    demo.launch(server_name=args.host, server_port=args.port, **launch_options(demo))
    return 0


def cmd_prefetch(args: argparse.Namespace) -> int:
    from components.core.models import PRESETS, prefetch_model
    from components.polysemy.static_vectors import prefetch_glove

    names = args.names or [*PRESETS, "glove"]
    failed = 0
    for name in names:
        try:
            print(f"glove: {prefetch_glove()}" if name == "glove" else prefetch_model(name))
        except (ValueError, OSError) as exc:
            failed += 1
            print(f"error: {name}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py", description="BERT Lens: see how BERT reads. With no command, serves the app.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser("serve", help="start the web app (default)")
    serve.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                       help="address to listen on (env GRADIO_SERVER_NAME; default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
                       help="port (env GRADIO_SERVER_PORT; default 7860)")
    serve.add_argument("--default-model", default="minilm", help="model selected at start (default minilm)")
    serve.add_argument("--model", action="append", default=[], metavar="NAME_OR_DIR",
                       help="add a local directory or Hub id to the model menu (repeatable)")
    serve.add_argument("--classifier", default=None, help="classifier directory or Hub id (default: shipped)")
    serve.add_argument("--glove", default=None, help="GloVe/word2vec file for the Polysemy tab")
    serve.add_argument("--no-warm-up", action="store_true", help="do not load models before the first request")
    serve.add_argument("--concurrency", type=int, default=2, help="requests computed at once (default 2)")
    serve.add_argument("--max-queue", type=int, default=100, help="requests allowed to wait (default 100)")
    serve.add_argument("--torch-threads", type=int, default=0,
                       help="threads per request (default: CPU cores / concurrency)")
    serve.set_defaults(func=cmd_serve)
    prefetch = sub.add_parser("prefetch", help="download models (and vectors) into the cache for offline use")
    prefetch.add_argument("names", nargs="*",
                          help="presets, Hub ids or 'glove' (GloVe 6B 100d); default: every preset and glove")
    prefetch.set_defaults(func=cmd_prefetch)
    from components.cli.embed import add_embed_parser
    from components.cli.train import add_evaluate_parser, add_train_parser

    add_train_parser(sub)
    add_evaluate_parser(sub)
    add_embed_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in {"-h", "--help"}):
        argv.insert(0, "serve")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
