"""pytest plugin for grading runs: one plain record per hidden test, written to a pipe.

Loaded with ``-p grader.collect --results-fd N [--results-key-fd K]`` by `grader.runner`.
Records go to an inherited file descriptor rather than a file, so no path exists for a worker
to overwrite, and each carries an HMAC under a key read once from another pipe before any
worker starts, so a record written into that descriptor by anyone else is rejected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

import pytest

from grader.errors import SubmissionError
from grader.manifest import exercise_of_path
from grader.results import CATEGORIES, plain_details

_KEY = pytest.StashKey[dict[str, Any]]()


_SIGNING_KEY = pytest.StashKey[bytes]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--results-fd", type=int, default=None, help="write grading records here")
    parser.addoption("--results-key-fd", type=int, default=None,
                     help="read the records' signing key from this pipe")


def pytest_configure(config: pytest.Config) -> None:
    fd = config.getoption("--results-key-fd")
    if fd is not None:
        with os.fdopen(fd, "rb") as pipe:
            config.stash[_SIGNING_KEY] = pipe.read()


def sign(record: dict[str, Any], key: bytes) -> str:
    payload = json.dumps(record, sort_keys=True).encode("utf-8")
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _base_record(item: pytest.Item) -> dict[str, Any]:
    points = item.get_closest_marker("points")
    category = next((c for c in CATEGORIES if item.get_closest_marker(c)), "behaviour")
    name = getattr(item, "originalname", None) or item.name
    return {
        "nodeid": item.nodeid,
        "name": name,
        "exercise": exercise_of_path(Path(str(item.path))),
        "category": category,
        "points": float(points.args[0]) if points and points.args else 0.0,
        "outcome": "passed",
        "error_kind": None,
        "message": "",
        "duration": 0.0,
        "claim": item.get_closest_marker("claim") is not None,
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    record = item.stash.setdefault(_KEY, _base_record(item))
    record["duration"] += report.duration
    if report.skipped and record["outcome"] == "passed":
        record["outcome"] = "skipped"
        record["message"] = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    elif report.failed and record["outcome"] != "failed":
        record["outcome"] = "failed"
        exc = call.excinfo.value if call.excinfo is not None else None
        if isinstance(exc, SubmissionError):
            record["error_kind"] = exc.kind
            record["message"] = exc.message
        elif isinstance(exc, AssertionError):
            record["error_kind"] = "assertion"
            record["message"] = str(exc)
            details = plain_details(getattr(exc, "details", None))
            if details:  # a KataFailure's plot data (a curve), plain and bounded
                record["details"] = details
        else:
            record["error_kind"] = "grader_error"
            record["message"] = f"the test itself failed: {type(exc).__name__}: {exc}"


def _send(config: pytest.Config, record: dict[str, Any]) -> None:
    fd = config.getoption("--results-fd")
    if fd is None:
        return
    key = config.stash.get(_SIGNING_KEY, None)
    signed = {"record": record, "mac": sign(record, key) if key else None}
    line = (json.dumps(signed) + "\n").encode("utf-8")
    while line:
        written = os.write(fd, line)
        line = line[written:]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tell the runner which tests to expect, so it knows what a dead session left undone."""
    plan = [[exercise_of_path(Path(str(item.path))), item.nodeid] for item in session.items]
    _send(session.config, {"kind": "plan", "tests": plan})


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    record = item.stash.get(_KEY, None)
    if record is None:
        return
    # Teardown's own report arrives after this hook; a teardown failure is ours, not theirs.
    _send(item.config, record)
