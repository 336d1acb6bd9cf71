"""Project rules that are cheap to check and easy to break: the README's commands, CI, layout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_readme_opens_with_a_demo_and_a_test_command():
    demo, tests = readme_commands()
    assert "requirements.txt" in demo and demo.endswith("python app.py")
    assert "requirements-dev.txt" in tests and tests.endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command_verbatim():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_every_requirement_is_pinned_torch_to_2_13_0():
    reqs = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "torch==2.13.0" in reqs
    pinned = [line for line in reqs if line and not line.startswith("#")]
    assert all("==" in line for line in pinned), pinned


def test_the_readme_says_how_to_get_the_cpu_only_torch():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in readme


def test_only_tab_modules_and_the_ui_shell_import_gradio():
    offenders = []
    for path in (REPO / "components").rglob("*.py"):
        relative = path.relative_to(REPO / "components").parts
        if relative[0] == "ui" or relative[-1] == "tab.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "gradio" for n in names):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_importing_app_is_cheap():
    """`import app` (what Spaces and tests do) must not import torch or gradio, let alone load a model."""
    import subprocess
    import sys

    code = "import sys, app; print(sorted(m for m in ('torch', 'gradio', 'transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_committed_file_over_10_mb():
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    big = [f for f in files if (REPO / f).is_file() and (REPO / f).stat().st_size > 10 * 1024 * 1024]
    assert big == []


def test_ruff_is_clean():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]
