"""The house's rules, checked on the source: no import cycle in components/, the optimiser stepped
in one module only, and tests and benchmarks apart (each may import the package, never the other;
both serve the app through ``components/ui/serving.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def graph(folder: str) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (REPO / folder).rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_in_components():
    assert cycles(graph("components")) == []


def test_the_cycle_check_finds_a_cycle():
    # control: two modules importing each other (even lazily, inside a function) are a cycle
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def optimizer_steps(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == "step" and "opt" in ast.unparse(node.func.value).lower())


def test_the_optimiser_steps_only_in_the_trainer():
    stepping = sorted(str(p.relative_to(REPO)) for p in (REPO / "components").rglob("*.py") if optimizer_steps(p))
    assert stepping == ["components/finetune/trainer.py"]


def test_the_step_check_sees_an_optimiser_step(tmp_path):
    # control
    source = tmp_path / "loop.py"
    source.write_text("def fit(opt):\n    opt.zero_grad()\n    self.optimizer.step()\n", encoding="utf-8")
    assert optimizer_steps(source) == 1


def crossings(folder: Path, other: Path) -> list[str]:
    """``file: module`` for every import in ``folder``'s Python files of a module of ``other``: the package
    (``tests.serving``) or one of its files by its bare name (what a ``sys.path`` line makes importable)."""
    names = {other.name} | {p.stem for p in other.glob("*.py")} - {"__init__", "__main__"}
    found = []
    for path in folder.rglob("*.py"):
        modules = {m for m in imports(path) if m.split(".")[0] in names}
        found += [f"{path.relative_to(folder.parent)}: {m}" for m in modules
                  if m.rpartition(".")[0] not in modules]  # "tests.serving", not also "tests.serving.launch"
    return sorted(found)


def test_no_benchmark_imports_a_test_module():
    assert crossings(REPO / "benchmarks", REPO / "tests") == []


def test_no_test_imports_a_benchmark():
    assert crossings(REPO / "tests", REPO / "benchmarks") == []


def test_the_apart_check_sees_imports_both_ways(tmp_path):
    # control: a benchmark reaching a test fixture (even lazily) and a test reaching a benchmark, both found
    (tmp_path / "tests").mkdir()
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "tests" / "serving.py").write_text("", encoding="utf-8")
    (tmp_path / "tests" / "test_x.py").write_text("import benchmarks.load_test\n", encoding="utf-8")
    (tmp_path / "benchmarks" / "load_test.py").write_text(
        "def main():\n    from tests.serving import launch\n    from serving import serve\n", encoding="utf-8")
    assert crossings(tmp_path / "benchmarks", tmp_path / "tests") == [
        "benchmarks/load_test.py: serving", "benchmarks/load_test.py: tests.serving"]
    assert crossings(tmp_path / "tests", tmp_path / "benchmarks") == [
        "tests/test_x.py: benchmarks.load_test"]


MODEL_ACCESS = {"analyze", "load_model"}


def direct_model_access(path: Path) -> list[str]:
    """Calls of ``analyze``/``load_model`` (by name or as an attribute) and imports of them, as 'line: code'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in MODEL_ACCESS:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and any(a.name in MODEL_ACCESS for a in node.names):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_tab_reaches_a_model_past_services():
    # every model access of a tab goes through Services (services.model / analysis / classifier / reading)
    tabs = sorted((REPO / "components").glob("*/tab.py"))
    assert len(tabs) >= 9
    offenders = {str(p.relative_to(REPO)): found for p in tabs if (found := direct_model_access(p))}
    assert offenders == {}


def test_the_model_access_check_sees_a_direct_call(tmp_path):
    # control: the three ways a tab could reach the model directly, and a Services call that is fine
    source = tmp_path / "tab.py"
    source.write_text("from components.core.analysis import analyze\nimport components.core.models as m\n"
                      "def run(services, text):\n    a = analyze(services.model(None), text)\n"
                      "    b = m.load_model('minilm')\n    return services.analysis(None, text), a, b\n",
                      encoding="utf-8")
    assert sorted(int(line.split(":")[0]) for line in direct_model_access(source)) == [1, 4, 5]
