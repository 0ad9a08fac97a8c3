import pytest

# Before conftest.py imports the helpers, so that their asserts explain themselves on failure.
pytest.register_assert_rewrite("tests.factories")
