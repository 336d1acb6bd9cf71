"""What the Head roles tab shows, in the session's language: the summary line, the grid, the layers, the
comparison with Clark et al. (2019) and the table of links to the Attention tab.

Design decision: the view turns computed ``HeadRoles`` into Markdown and figures (drawn by ``figures``) and
nothing else; it never loads or runs a model, so the tab only wires it.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.core.messages import t
from components.heads.compute import ROLE_THRESHOLD, HeadRoles
from components.heads.figures import compare_markdown, layers_figure, role_name, roles_figure, strongest_table

__all__ = ["heads_outputs", "summary_markdown"]


def summary_markdown(roles: HeadRoles, lang: str) -> str:
    """The corpus measured (or read from disk) and how many heads have each role."""
    listed = ", ".join(f"{role_name(role, lang)} {n}" for role, n in roles.role_counts().items())
    source = t("heads_source_cached" if roles.from_disk else "heads_source_measured", lang)
    return (t("heads_summary", lang, model=roles.model_name, sentences=f"{len(roles.sentences):,}",
              tokens=f"{roles.tokens:,}", source=source, threshold=ROLE_THRESHOLD)
            + " " + t("heads_counts", lang, counts=listed))


def heads_outputs(roles: HeadRoles, lang: str) -> tuple[str, go.Figure, go.Figure, str, str]:
    """(summary, role grid, shares by layer, comparison with the paper, table) in the order of the tab's outputs."""
    return (summary_markdown(roles, lang), roles_figure(roles, lang), layers_figure(roles, lang),
            compare_markdown(roles, lang), strongest_table(roles, lang))
