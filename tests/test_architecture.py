"""The house of `quiz/`: four wings, imports that only point down, no import circle, no Streamlit.

From the ground up: content → measure → store → report. A module imports only its own wing and the
wings below it; `quiz.messages` may be imported from anywhere; the CLI (`quiz/cli.py`,
`quiz/__main__.py`) sits above every wing. The imports are read from the code with `ast`, lazy
imports inside functions and `TYPE_CHECKING` blocks included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QUIZ = Path(__file__).resolve().parent.parent / "quiz"
WINGS = ("content", "measure", "store", "report")
ANYWHERE = {"quiz.messages"}
ABOVE_ALL = {"quiz.cli", "quiz.__main__"}


def module_name(path: Path, package_root: Path) -> str:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package_root: Path) -> set[tuple[str, str]]:
    """What `path` imports of the package (absolute or relative, at any depth of the code), as pairs
    (module, what it may name): `from quiz.report import charts` gives ("quiz.report", "quiz.report.charts")."""
    package = package_root.name
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, package_root).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
            found.update((base, f"{base}.{alias.name}") for alias in node.names)
    return {(module, name) for module, name in found if module == package or module.startswith(package + ".")}


def import_graph(package_root: Path) -> dict[str, tuple[Path, set[str]]]:
    """module → (its file, the package's modules it imports); names that are not modules are dropped."""
    files = {module_name(path, package_root): path for path in package_root.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        imported = {named if named in files else module for module, named in imports_of(path, package_root)}
        targets = {target for target in imported if target in files and target != name}
        graph[name] = (path, targets)
    return graph


def wing_rank(module: str) -> int | None:
    """0 content … 3 report; 4 above every wing (the CLI); None for a module any wing may import."""
    if module in ANYWHERE or module.count(".") == 0:
        return None
    if module in ABOVE_ALL:
        return len(WINGS)
    wing = module.split(".")[1]
    return WINGS.index(wing) if wing in WINGS else None


def upward_imports(graph: dict[str, tuple[Path, set[str]]], root: Path) -> list[str]:
    problems = []
    for module, (path, targets) in sorted(graph.items()):
        rank = wing_rank(module)
        for target in sorted(targets):
            target_rank = wing_rank(target)
            if target_rank is None:
                continue
            if rank is None or target_rank > rank:
                problems.append(
                    f"{path.relative_to(root.parent)} imports {graph[target][0].relative_to(root.parent)}: "
                    "imports must point down (report → store → measure → content)"
                )
    return problems


def circles(graph: dict[str, tuple[Path, set[str]]], root: Path) -> list[str]:
    """One line per import circle (Tarjan's strongly connected components), naming its files."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module][1]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [
        "import circle: " + " ↔ ".join(str(graph[m][0].relative_to(root.parent)) for m in component)
        for component in found
    ]


def test_quiz_is_four_wings_and_a_few_shared_modules() -> None:
    top = sorted(path.name for path in QUIZ.iterdir() if path.name != "__pycache__")
    assert top == [
        "__init__.py",
        "__main__.py",
        "cli.py",
        "content",
        "locales",
        "measure",
        "messages.py",
        "report",
        "store",
    ]
    for wing in WINGS:
        docstring = ast.get_docstring(ast.parse((QUIZ / wing / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring.lower(), (
            f"quiz/{wing}/__init__.py says what it is and what it may import"
        )


def test_every_import_points_down_the_wings() -> None:
    assert upward_imports(import_graph(QUIZ), QUIZ) == []


def test_there_is_no_import_circle_anywhere_in_quiz() -> None:
    assert circles(import_graph(QUIZ), QUIZ) == []


def test_the_core_never_imports_streamlit() -> None:
    users = []
    for path in QUIZ.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
                users.append(str(path.relative_to(QUIZ.parent)))
    assert users == []


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "quiz"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for wing in WINGS:
        (package / wing).mkdir(exist_ok=True)
        (package / wing / "__init__.py").touch()
    (package / "__init__.py").touch()
    return package


@pytest.mark.parametrize(
    "statement",
    ["from quiz.report.charts import figure", "import quiz.report.charts", "from quiz.report import charts"],
)
def test_the_check_names_both_files_of_an_upward_import(tmp_path: Path, statement: str) -> None:
    package = _write(tmp_path, {"report/charts.py": "figure = 1\n", "content/bank.py": f"def f():\n    {statement}\n"})
    assert upward_imports(import_graph(package), package) == [
        "quiz/content/bank.py imports quiz/report/charts.py: imports must point down (report → store → measure → content)"
    ]


def test_the_check_finds_a_circle_even_through_a_lazy_or_relative_import(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "measure/adaptive.py": "from quiz.measure.scoring import x\n",
            "measure/scoring.py": "def g():\n    from .assemble import y\n",
            "measure/assemble.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from quiz.measure import adaptive\n",
        },
    )
    (problem,) = circles(import_graph(package), package)
    assert problem.startswith("import circle: ")
    assert {"quiz/measure/adaptive.py", "quiz/measure/scoring.py", "quiz/measure/assemble.py"} == set(
        problem.removeprefix("import circle: ").split(" ↔ ")
    )
