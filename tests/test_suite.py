"""The test suite itself: helpers come from tests/factories.py, never from another test module."""

import ast
import io
from pathlib import Path

from django.core.management import call_command
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from tests import factories

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


def comparable(tables):
    """Rows without what differs between two loads of the same file: keys (PostgreSQL's
    sequences do not roll back) and the times of writing."""
    out = {}
    for model, rows in tables.items():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name != "id"  # also the copy of the key in history rows
            and not isinstance(f, models.AutoField | models.ForeignKey)
            and not isinstance(f, models.DateTimeField)
        ]
        out[model._meta.label] = sorted(repr([row[n] for n in names]) for row in rows.values())
    return out


def test_the_copy_of_the_seeds_is_what_load_seeds_writes(db):
    point = transaction.savepoint_create()
    factories.load_seeds()  # if it is the session's first, it runs the command and notes it
    transaction.savepoint_rollback(point)
    assert factories._seed_rows, "no copy: every load_seeds() runs the command"

    point = transaction.savepoint_create()
    call_command("load_seeds", stdout=io.StringIO())
    command = comparable(factories._tables())
    transaction.savepoint_rollback(point)

    with CaptureQueriesContext(connection) as copy:
        factories.load_seeds()
    assert len(copy) < 100  # the copy, not the command (thousands)
    assert comparable(factories._tables()) == command
