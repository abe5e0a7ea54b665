"""The house's floors, checked on every run (issue: the reports app rebuilt as two rooms).

- Imports point one way: quality_system ← agencies ← concerns ← reports. Only the entry points
  (quality_system/urls.py and the Celery app) look up; the rooms of reports do not import
  each other (what two need lives in reports/ itself or lower).
- No module over 500 lines outside migrations and demo data; no function over 60 lines.
- No form class in a views module: forms live in forms.py.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FLOORS = {"quality_system": 0, "agencies": 1, "concerns": 2, "reports": 3}
ENTRY_POINTS = {"quality_system/urls.py", "quality_system/celery.py"}
ROOMS = ("reports/recommendations", "reports/board", "reports/bodies")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
# Functions allowed to be longer (none: the chart is drawn in named steps since issue #15).
FUNCTION_LENGTH_EXCEPTIONS: set[tuple[str, str]] = set()


def _modules() -> list[pathlib.Path]:
    return sorted(
        path
        for app in FLOORS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "demo.py"
    )


def _name(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: pathlib.Path) -> set[str]:
    """Dotted names this module imports, relative imports made absolute."""
    package = _name(path).removesuffix(".py").split("/")[:-1]
    if path.name == "__init__.py":
        package = _name(path).removesuffix("/__init__.py").split("/")
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_modules_are_found():
    names = {_name(p) for p in _modules()}
    assert {"agencies/access.py", "concerns/spc.py", "reports/access.py"} <= names


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_imports_point_down_to_lower_floors(path):
    name = _name(path)
    if name in ENTRY_POINTS:
        return
    floor = FLOORS[name.split("/")[0]]
    upward = sorted(m for m in _imports(path) if FLOORS.get(m.split(".")[0], -1) > floor)
    assert not upward, f"{name} imports from a higher floor: {upward}"


@pytest.mark.parametrize("path", [p for p in _modules() if _name(p).startswith(ROOMS)], ids=_name)
def test_the_rooms_of_reports_do_not_import_each_other(path):
    name = _name(path)
    mine = next(room for room in ROOMS if name.startswith(f"{room}/"))
    others = [room.replace("/", ".") for room in ROOMS if room != mine]
    crossing = sorted(m for m in _imports(path) for other in others if m == other or m.startswith(f"{other}."))
    assert not crossing, f"{name} imports another room: {crossing}"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_modules_stay_under_500_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines: split it into a package"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_functions_stay_under_60_lines(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
        and (_name(path), node.name) not in FUNCTION_LENGTH_EXCEPTIONS
    ]
    assert not long, f"{_name(path)}: {', '.join(long)}"


@pytest.mark.parametrize("path", [p for p in _modules() if "views" in p.stem], ids=_name)
def test_no_form_class_is_defined_in_a_views_module(path):
    forms = [
        node.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef) and any("Form" in ast.unparse(base) for base in node.bases)
    ]
    assert not forms, f"{_name(path)} defines {forms}: forms live in forms.py"
