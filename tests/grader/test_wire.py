"""Do the plain-data format and the signed result records refuse anything forged?"""

import base64
import json
import subprocess
import sys

import numpy as np
import pytest

from grader import wire
from grader.manifest import REPO_ROOT


def test_arrays_numbers_and_special_floats_round_trip():
    message = {"a": np.arange(6, dtype="float32").reshape(2, 3), "n": 3, "f": float("nan"),
               "inf": float("-inf"), "s": "text", "l": [True, None, np.int64(4)]}
    back = wire.loads(wire.dumps(message))
    np.testing.assert_array_equal(back["a"], message["a"])
    assert back["a"].dtype == np.float32
    assert np.isnan(back["f"]) and back["inf"] == float("-inf")
    assert back["l"] == [True, None, 4]


def test_object_arrays_and_arbitrary_objects_are_refused():
    with pytest.raises(wire.WireError):
        wire.dumps({"x": np.array([object()], dtype=object)})
    with pytest.raises(wire.WireError):
        wire.dumps({"x": {1, 2}})


def test_a_forged_object_dtype_or_short_payload_is_rejected_on_decode():
    payload = base64.b64encode(b"\0" * 8).decode()
    with pytest.raises(wire.WireError):
        wire.decode_value({"__ndarray__": ["|O", [1], payload]})
    with pytest.raises(wire.WireError):
        wire.decode_value({"__ndarray__": ["<f4", [4], payload]})
    with pytest.raises(wire.WireError):
        wire.loads(b"\x80not json")


def test_result_records_with_a_wrong_or_missing_signature_are_rejected():
    from grader.collect import sign
    from grader.runner import _verified

    key, record = b"k" * 32, {"name": "test_x", "outcome": "passed", "points": 100.0}
    good = json.dumps({"record": record, "mac": sign(record, key)}).encode()
    assert _verified(good, key) == record
    assert _verified(json.dumps({"record": record, "mac": "0" * 64}).encode(), key) is None
    assert _verified(json.dumps({"record": record, "mac": None}).encode(), key) is None
    assert _verified(b"not json", key) is None


def test_a_deeply_nested_record_or_frame_costs_that_record_not_the_report():
    from grader.runner import _verified

    assert _verified(b"[" * 200_000, b"k" * 32) is None
    assert _verified(b"{" * 100 + b"}" * 100, b"k" * 32) is None
    with pytest.raises(wire.WireError, match="nests deeper"):
        wire.loads(b"[" * 200_000)


def test_zero_dimensional_arrays_keep_their_shape():
    back = wire.loads(wire.dumps({"x": np.asarray(2.5, dtype="float32")}))
    assert back["x"].shape == ()


def test_a_half_written_frame_is_a_timeout_not_a_hang():
    import os
    import time

    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"\x00\x00\x00")  # three bytes of an eight-byte header, then silence
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.read_frame_before(read_fd, time.monotonic() + 0.5)
    assert time.monotonic() - started < 3
    os.close(read_fd)
    os.close(write_fd)


def test_nan_where_the_oracle_is_finite_fails_and_nan_never_equals_nan():
    from grader.testing import KataFailure, assert_close

    with pytest.raises(KataFailure):
        assert_close([np.nan, 1.0], [0.0, 1.0], "values", "look")
    with pytest.raises(KataFailure):
        assert_close([np.nan], [np.nan], "values", "look")


def test_hidden_lines_and_slices_of_them_are_redacted_from_messages():
    from grader.redaction import redact, secret_lines

    secret = next(line for line in secret_lines("q17") if len(line) > 40)
    assert secret not in redact(f"sys.exit({secret!r})", "q17")
    assert secret[5:-5] not in redact(f"stolen:\n{secret[5:-5]}\nmore", "q17")
    assert len(redact("x" * 10_000, "q17")) < 2100
    assert redact("an ordinary message", "q17") == "an ordinary message"


@pytest.mark.parametrize("text, depth", [
    (b'["[[[", {"a": "]]]"}]', 2),
    (b'["say \\"[[\\" then \\\\", [1]]', 2),
    (b'"only a string with [ and {"', 0),
    (b'[[[[]]]]', 4),
])
def test_nesting_depth_ignores_brackets_inside_strings_and_escapes(text, depth):
    assert wire.nesting_depth(text) == depth
    assert wire.nesting_depth(text) == _parsed_depth(json.loads(text))


def _parsed_depth(value) -> int:  # noqa: ANN001
    if isinstance(value, list):
        return 1 + max((_parsed_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_parsed_depth(v) for v in value.values()), default=0)
    return 0


def test_a_long_string_is_measured_without_copying_it_per_character():
    # An array of a few MB travels as one base64 string; the depth count must not cost memory
    # in proportion to it (the old pattern kept ~100 bytes of state per character: a 64 MB
    # frame from a worker could have cost the grading process gigabytes).
    code = (
        "import resource, base64, os, json\n"
        "from grader import wire\n"
        "payload = json.dumps([base64.b64encode(os.urandom(12_000_000)).decode()]).encode()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "assert wire.nesting_depth(payload) == 1\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    grown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=REPO_ROOT, check=True).stdout.strip()
    assert int(grown) < 200, f"counting nesting grew the process by {grown} MiB"
