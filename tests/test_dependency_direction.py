"""Dependencies point one way: commerce → booking → accounts; site_config depends on no app
(its root URLconf wires them, that is its job). Imports are at the top of modules: inside a
function only in ``AppConfig.ready()`` or at a handful of lazy spots marked ``# lazy: why``.

Checked on the source (ast), so a new upward or hidden import fails here, not in production.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("accounts", "booking", "commerce", "cms_pages", "site_config")
# app → the project apps it must never import
FORBIDDEN = {
    "accounts": {"booking", "commerce", "cms_pages"},
    "booking": {"commerce", "cms_pages"},
    "commerce": {"cms_pages"},
    "site_config": {"accounts", "booking", "commerce", "cms_pages"},
}
# The project's wiring, not a layer: the root URLconf and the settings name every app.
WIRING = {"site_config/urls.py"}
MAX_LAZY_IMPORTS = 5
CHECKED_APPS = ("accounts", "booking", "commerce", "site_config")


def source_files(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative in WIRING:
            continue
        yield relative, path


def imported_modules(node, package):
    """Absolute names of the modules an import statement reads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return [".".join([*base, node.module] if node.module else base)]
    return [node.module or ""]


def imports_in(path):
    """(node, enclosing function name or None, is inside a class called *Config)."""
    tree = ast.parse(path.read_text())
    found = []

    def visit(node, function, in_config):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, function, in_config))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name, in_config)
            elif isinstance(child, ast.ClassDef):
                visit(child, function, in_config or child.name.endswith("Config"))
            else:
                visit(child, function, in_config)

    visit(tree, None, False)
    return found


def package_of(relative):
    parts = relative[:-3].split("/")
    return ".".join(parts[:-1])  # a module's package; for __init__ the package itself


@pytest.mark.parametrize("app", CHECKED_APPS)
def test_no_app_imports_an_app_above_it(app):
    wrong = []
    for relative, path in source_files(app):
        for node, _function, _config in imports_in(path):
            for module in imported_modules(node, package_of(relative)):
                if module.split(".")[0] in FORBIDDEN[app]:
                    wrong.append(f"{relative}:{node.lineno} imports {module}")
    assert wrong == []


def test_project_imports_inside_functions_only_in_ready_or_marked_lazy():
    hidden, lazy = [], []
    for app in CHECKED_APPS:
        for relative, path in source_files(app):
            lines = path.read_text().splitlines()
            for node, function, in_config in imports_in(path):
                if function is None:
                    continue
                modules = imported_modules(node, package_of(relative))
                if not any(module.split(".")[0] in PROJECT for module in modules):
                    continue
                if in_config and function == "ready":
                    continue
                line = lines[node.lineno - 1]
                above = lines[node.lineno - 2] if node.lineno > 1 else ""
                where = f"{relative}:{node.lineno} ({function})"
                if "# lazy:" in line or "# lazy:" in above:
                    lazy.append(where)
                else:
                    hidden.append(where)
    assert hidden == []
    assert len(lazy) <= MAX_LAZY_IMPORTS, lazy
