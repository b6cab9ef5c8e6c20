"""Load a kata's hidden test module by path, so a sweep reuses the test's own data and metric."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent


def hidden(exercise_id: str, stem: str) -> ModuleType:
    path = ROOT / "tests" / exercise_id / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"sweep_{exercise_id}_{stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
