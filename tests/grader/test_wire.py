"""Do the plain-data format and the signed result records refuse anything forged?"""

import base64
import json

import numpy as np
import pytest

from grader import wire


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
