"""The test suite itself: helpers come from tests/factories.py, never from another test module."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def borrowed(source):
    """The modules ``source`` imports from other test modules or from conftest.py."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [("." * node.level) + (node.module or "")]
            if node.level and not node.module:  # from . import test_x
                names = ["." + alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            last = name.rsplit(".", 1)[-1]
            inside = name.startswith(("tests.", ".")) or "." not in name  # or on sys.path
            if inside and (last.startswith("test_") or last == "conftest"):
                found.append(name)
    return found


def test_no_test_module_imports_from_another():
    offenders = {
        str(path.relative_to(TESTS)): borrowed(path.read_text(encoding="utf-8"))
        for path in TESTS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_import_check_sees_every_spelling():
    sources = [
        "from tests.test_positions import edit_data",
        "from tests.conftest import make_user",
        "def f():\n    from tests.test_access import walk",
        "from .test_history import edit_position_in_admin",
        "from . import test_security",
        "import tests.test_proposals",
        "from test_seeds import counts",
    ]
    assert [bool(borrowed(source)) for source in sources] == [True] * len(sources)
    fine = "import pytest\nfrom django.test import Client\nfrom tests.factories import walk"
    assert borrowed(fine) == []
