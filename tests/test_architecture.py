"""The structure rules of docs/architecture.md, checked on the source tree.

* One write path: a model is written (``save``, ``create``, ``update``, ``delete``,
  ``bulk_create`` …) only inside a ``services`` module or a migration. Views, the API, the
  admin, imports, tasks, commands and demo loaders call a service.
* Imports sit at the top of modules, where a reader (and import-linter) sees them.
* The layers themselves are import-linter contracts (``pyproject.toml``), run here too.
"""

from __future__ import annotations

import ast
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("core", "stations", "welfare", "campaigns", "supervision", "maps", "config")

# Methods that write whatever they are called on (a model, a queryset, a form).
ALWAYS_WRITES = {
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "save_m2m",
}
# Methods that write when called on a manager or a queryset (``dict.update`` does not).
QUERYSET_WRITES = {"create", "update"}
QUERYSET_HINTS = ("objects", "_default_manager", ".filter(", ".exclude(", ".all(", "_set")

# Receivers that are not models, by file: (relative path, receiver as written).
NOT_MODELS = {
    ("core/photos.py", "image"),  # a PIL image written to a buffer
    ("stations/exports.py", "book"),  # an openpyxl workbook written to a buffer
    ("campaigns/exports.py", "book"),
    ("welfare/exports.py", "book"),
    ("supervision/exports.py", "book"),
    ("core/tabular.py", "book"),  # import templates and exports written to a buffer
    ("core/import_jobs.py", "private_storage()"),  # uploaded files and their import state
    ("core/import_jobs.py", "storage"),
    ("core/import_jobs.py", "default_storage"),  # uploads left in the public folder
    ("core/private_files.py", "storage"),
    ("core/once.py", "cache"),  # a claim in the cache released again
}


def app_sources() -> list[pathlib.Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                files.append(path)
    return files


def is_service_module(rel: pathlib.PurePath) -> bool:
    return rel.name == "services.py" or "services" in rel.parts[:-1]


def model_writes(path: pathlib.Path, rel: pathlib.PurePath | None = None) -> list[str]:
    rel = rel or path.relative_to(ROOT)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        receiver = ast.unparse(node.func.value)
        if (rel.as_posix(), receiver) in NOT_MODELS:
            continue
        if rel.name == "models.py" and receiver == "super()":
            continue  # a model's own save() calling Django's
        if method in ALWAYS_WRITES or (
            method in QUERYSET_WRITES and any(hint in receiver for hint in QUERYSET_HINTS)
        ):
            found.append(f"{rel}:{node.lineno}: {receiver}.{method}(…)")
    return found


def test_models_are_written_only_by_services() -> None:
    offenders = [
        line
        for path in app_sources()
        if not is_service_module(path.relative_to(ROOT))
        for line in model_writes(path)
    ]
    assert offenders == [], "model writes outside services:\n" + "\n".join(offenders)


def test_the_write_check_finds_writes(tmp_path: pathlib.Path) -> None:
    """The walker itself: it must see the writes it is meant to forbid."""
    sample = tmp_path / "probe.py"
    sample.write_text(
        "def f(obj, qs, form, data):\n"
        "    obj.save()\n"
        "    Model.objects.create(a=1)\n"
        "    qs.filter(a=1).update(a=2)\n"
        "    form.save()\n"
        "    data.update(b=1)\n"  # a dict: not a write
        "    Model.objects.filter(a=1).delete()\n",
        encoding="utf-8",
    )
    lines = model_writes(sample, pathlib.PurePath("stations/probe.py"))
    assert [line.split(": ", 1)[1] for line in lines] == [
        "obj.save(…)",
        "Model.objects.create(…)",
        "qs.filter(a=1).update(…)",
        "form.save(…)",
        "Model.objects.filter(a=1).delete(…)",
    ]


def nested_imports(path: pathlib.Path) -> list[str]:
    rel = path.relative_to(ROOT)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                found.append(f"{rel}:{child.lineno}: {ast.unparse(child)}")
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(tree, False)
    return found


def test_imports_sit_at_the_top_of_modules() -> None:
    offenders = [line for path in app_sources() for line in nested_imports(path)]
    assert offenders == [], "imports inside functions:\n" + "\n".join(offenders)


def test_layers_hold() -> None:
    """import-linter's contracts from pyproject.toml (docs/architecture.md)."""
    lint_imports = shutil.which("lint-imports", path=str(pathlib.Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency: pip install -e .[dev]"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout.split("Contracts:")[-1]


# Import circles -------------------------------------------------------------------------


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports at run time (``TYPE_CHECKING`` imports left
    out), for every production module."""
    modules: dict[str, pathlib.Path] = {}
    for path in app_sources():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path

    def ours(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for target in targets:
                found = ours(target)
                if found and found != name:
                    graph[name].add(found)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_round_a_circle() -> None:
    circles = import_circles(import_graph())
    assert circles == [], "import circles:\n" + "\n".join(" ↔ ".join(c) for c in circles)


def test_the_circle_check_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_circles(graph) == [["a", "b", "c"]]


# Module size and the page that names every module ----------------------------------------

#: Longest production module, in lines (models and migrations excepted: a model's fields
#: are read together, and migrations are generated).
MAX_MODULE_LINES = 500


def test_no_production_module_is_longer_than_the_limit() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in app_sources()
        if path.name != "models.py"
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def documented_modules() -> set[str]:
    """Paths like ``campaigns/services/ledger.py`` named on docs/architecture.md."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", page))


def services_and_selectors() -> set[str]:
    found = set()
    for path in app_sources():
        rel = path.relative_to(ROOT)
        if path.name == "__init__.py":
            continue
        if rel.name in {"services.py", "selectors.py"} or {"services", "selectors"} & set(
            rel.parts[:-1]
        ):
            found.add(rel.as_posix())
    return found


def test_the_architecture_page_names_every_services_and_selectors_module() -> None:
    named = documented_modules()
    missing = sorted(services_and_selectors() - named)
    assert missing == [], "docs/architecture.md does not name:\n" + "\n".join(missing)


def test_every_module_the_architecture_page_names_exists() -> None:
    gone = sorted(path for path in documented_modules() if not (ROOT / path).is_file())
    assert gone == [], "docs/architecture.md names modules that do not exist:\n" + "\n".join(gone)
