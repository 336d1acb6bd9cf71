"""``python app.py [serve]``: warm the models, then serve the app.

Design decision: warm before listening, for the light lessons. The default model, the classifier
and plotly's figure code are loaded before the port opens, so the first student's first request is
as fast as any other and "ready" means ready; UMAP (Polysemy, a heavy lesson) is warmed in the
background once the port is open (its kernels compiled in a child process the first time:
``components/polysemy/projection.py``), and Polysemy's first request waits for it with a note. Every request that runs
a model is in a lane (``components/core/lanes.py``): ``--concurrency`` workers in all, half light and
half heavy, each running torch on ``cores / concurrency`` threads: oversubscribed threads made one
short forward pass 100x slower under load on 2 cores.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

log = logging.getLogger("bertlens")


def warm_up(services) -> None:
    """Load the default model and the classifier, and plotly's figure code, before the port opens."""
    from components.core.classifier import predict_texts

    started = time.perf_counter()
    for what, step in (("model", lambda: services.analysis(None, "Warming up BERT Lens.")),
                       ("classifier", lambda: predict_texts(services.classifier(), ["Warming up BERT Lens."])),
                       ("figures", warm_figures)):
        try:
            step()
        except ValueError as exc:
            log.warning("warm-up: %s not available: %s", what, exc)
    log.warning("BERT Lens ready (light lessons warm) in %.1fs; UMAP is prepared in the background",
                time.perf_counter() - started)


def warm_figures() -> None:
    """Build and serialise one figure of each trace type the lessons draw: plotly loads its validators
    lazily, about a second on the first figure, which the first student would otherwise wait for."""
    import plotly.graph_objects as go

    from components.core.figures import base_layout

    for trace in (go.Bar(x=[1], y=[1]), go.Heatmap(z=[[0.0]]), go.Scatter(x=[0], y=[0], text=["."])):
        base_layout(go.Figure(trace), "warm-up").to_json()


def run(args: argparse.Namespace) -> int:
    from components.core.lanes import apply
    from components.core.models import PRESETS
    from components.core.services import AppConfig, Services
    from components.polysemy.projection import start_warm_up
    from components.ui.serving import configure_queue
    from components.ui.shell import build_demo, launch_options

    models = tuple(dict.fromkeys([args.default_model, *PRESETS, *args.model]))
    config = AppConfig(models=models, default_model=args.default_model, classifier=args.classifier,
                       glove=args.glove, warm_up=not args.no_warm_up, concurrency=args.concurrency,
                       torch_threads=args.torch_threads, live_training=not args.no_live_training)
    services = Services(config)
    apply(services.budget)
    demo = configure_queue(build_demo(services), args.max_queue)
    if config.warm_up:
        warm_up(services)
    from components.ui.mcp import mcp_enabled

    demo.launch(server_name=args.host, server_port=args.port, prevent_thread_lock=True,
                **launch_options(demo, mcp=mcp_enabled(args.mcp)))
    if config.warm_up:
        start_warm_up()  # UMAP, once the port is open
    demo.block_thread()
    return 0


def register(sub) -> None:
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
    serve.add_argument("--no-warm-up", action="store_true", help="do not load models before serving")
    serve.add_argument("--concurrency", type=int, default=2,
                       help="workers computing at once, half for light views and half for heavy ones (default 2)")
    serve.add_argument("--max-queue", type=int, default=100, help="requests allowed to wait (default 100)")
    serve.add_argument("--torch-threads", type=int, default=0,
                       help="torch threads per worker (default: CPU cores / concurrency)")
    serve.add_argument("--no-live-training", action="store_true",
                       help="the Fine-tuning tab explains instead of training (for public Spaces)")
    serve.add_argument("--mcp", action="store_true",
                       help="also serve every lesson as an MCP tool at /gradio_api/mcp/ (env BERTLENS_MCP=1)")
    serve.set_defaults(func=run)
