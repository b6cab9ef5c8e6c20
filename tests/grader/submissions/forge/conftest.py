"""A hostile conftest.py beside the exercises: if pytest ever loaded it in the grading
session, every hidden test would pass."""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        item.runtest = lambda: None
