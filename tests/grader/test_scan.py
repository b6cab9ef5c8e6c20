"""The source scan flags introspection no kata needs, and nothing in honest code."""

from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT
from grader.scan import scan_source


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "solutions").glob("q*/*.py")),
                         ids=lambda p: p.parent.name)
def test_reference_solutions_raise_no_flags(path: Path):
    assert scan_source(path.read_text()) == []


@pytest.mark.parametrize("source, words", [
    ("import gc\ngc.get_objects()", "garbage collector"),
    ("import sys\nf = sys._getframe(1)", "frame access"),
    ("import tensorflow as T\nT.function = lambda f: f", "changes the library"),
    ("from keras import saving\nsaving.load_model = None", "changes the library"),
    ("import numpy\nsetattr(numpy, 'allclose', None)", "changes the library"),
    ("import ctypes", "ctypes"),
    ("import os\nos.kill(1, 9)", "signals"),
    ("open('/proc/1/mem')", "/proc"),
    ("try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "frame access"),
])
def test_introspection_is_flagged(source, words):
    flags = scan_source(source)
    assert any(words in flag for flag in flags), flags
    assert all(flag.startswith("line ") for flag in flags)


def test_unparsable_source_gives_no_flags_rather_than_an_error():
    assert scan_source("def broken(:\n") == []
