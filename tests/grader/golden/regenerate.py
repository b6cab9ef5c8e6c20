"""Rewrite the golden reports from the fixed result model of tests/grader/test_reports.py.

    .venv/bin/python tests/grader/golden/regenerate.py && git diff tests/grader/golden

Read the diff before keeping it: each file is exactly what `kata grade --format NAME` writes
for that model (the HTML with its images shortened to `data:image/png;base64,...`).
"""

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("test_reports", HERE.parent / "test_reports.py")
assert spec is not None and spec.loader is not None
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.write_goldens()
print(f"golden reports rewritten in {HERE}")
