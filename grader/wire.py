"""The plain-data format spoken between the grading process and a worker.

A message is JSON. NumPy arrays travel as ``{"__ndarray__": [dtype, shape, base64]}`` and are
rebuilt with ``np.frombuffer``: numeric and boolean dtypes only, so nothing the worker sends
can make the grading process run code (no pickle, no object arrays). Frames on a pipe are an
8-byte big-endian length followed by the UTF-8 JSON.

This module imports only the standard library and NumPy: the worker loads it by path.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import select
import struct
import time
from typing import Any

import numpy as np

MAX_FRAME = 64 * 1024 * 1024
MAX_DEPTH = 64  # nesting of lists and objects; plain data from a probe needs a handful
# Unrolled and possessive: `(?:[^"\\]|\\.)*` kept per-character state and took ~100 bytes
# of memory per byte of a long string (almost 1 GiB for an 8 MB array in base64).
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_ALLOWED_KINDS = "biuf"  # bool, signed, unsigned, float
_HEADER = struct.Struct(">Q")


class WireError(ValueError):
    """A message is not plain data, or a frame is malformed."""


def encode_value(value: Any) -> Any:
    """Turn plain data (with NumPy arrays and scalars) into JSON-ready objects."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, np.generic):
        return encode_value(value.item())
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _ALLOWED_KINDS:
            raise WireError(f"arrays of dtype {value.dtype} cannot be sent")
        data = np.ascontiguousarray(value).reshape(value.shape)  # keeps 0-d arrays 0-d
        return {
            "__ndarray__": [
                data.dtype.str,
                list(data.shape),
                base64.b64encode(data.tobytes()).decode("ascii"),
            ]
        }
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise WireError(f"dict keys must be strings, not {type(key).__name__}")
            out[key] = encode_value(item)
        return out
    raise WireError(f"{type(value).__name__} is not plain data")


def _encode_float(value: float) -> Any:
    # JSON has no NaN or inf; keep them distinguishable from real numbers.
    if math.isfinite(value):
        return value
    return {"__float__": repr(value)}


def decode_value(value: Any) -> Any:
    """Inverse of `encode_value`; rejects anything but the shapes it produces."""
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__ndarray__"}:
            return _decode_array(value["__ndarray__"])
        if set(value) == {"__float__"}:
            text = value["__float__"]
            if text not in ("nan", "inf", "-inf"):
                raise WireError("bad special float")
            return float(text)
        return {k: decode_value(v) for k, v in value.items()}
    raise WireError(f"unexpected JSON value of type {type(value).__name__}")


def _decode_array(spec: Any) -> np.ndarray:
    if not (isinstance(spec, list) and len(spec) == 3):
        raise WireError("bad array header")
    dtype_str, shape, payload = spec
    dtype = np.dtype(dtype_str)
    if dtype.kind not in _ALLOWED_KINDS:
        raise WireError(f"arrays of dtype {dtype} are not accepted")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise WireError("bad array shape")
    raw = base64.b64decode(payload, validate=True)
    count = int(np.prod(shape)) if shape else 1
    if count * dtype.itemsize != len(raw):
        raise WireError("array payload does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def dumps(message: Any) -> bytes:
    return json.dumps(encode_value(message), allow_nan=False).encode("utf-8")


def nesting_depth(payload: bytes) -> int:
    """How deeply lists and objects nest in a JSON text, counted without parsing it."""
    skeleton = _STRING.sub(b"", payload)
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    steps = (np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
             - np.isin(codes, (ord("]"), ord("}"))).astype(np.int64))
    return int(np.cumsum(steps).max()) if steps.size else 0


def loads(payload: bytes) -> Any:
    """Parse a message; anything malformed, too deep or not plain data is a WireError."""
    if len(payload) > MAX_FRAME:
        raise WireError(f"message of {len(payload)} bytes is over the {MAX_FRAME} limit")
    if nesting_depth(payload) > MAX_DEPTH:
        raise WireError(f"message nests deeper than {MAX_DEPTH} levels")
    try:
        return decode_value(json.loads(payload.decode("utf-8")))
    except WireError:
        raise
    except (ValueError, TypeError, RecursionError, OverflowError) as exc:
        raise WireError(f"malformed message: {exc}") from None


def write_frame(fd: int, message: Any) -> None:
    payload = dumps(message)
    if len(payload) > MAX_FRAME:
        raise WireError(f"message of {len(payload)} bytes is over the {MAX_FRAME} limit")
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exactly(fd: int, count: int) -> bytes:
    """Read `count` bytes; raises EOFError when the writer has gone."""
    chunks = []
    while count:
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> Any:
    (length,) = _HEADER.unpack(read_exactly(fd, _HEADER.size))
    if length > MAX_FRAME:
        raise WireError(f"frame of {length} bytes is over the {MAX_FRAME} limit")
    return loads(read_exactly(fd, length))


def read_before(fd: int, count: int, deadline: float) -> bytes:
    """Read `count` bytes by `deadline` (time.monotonic()); a partial read is a timeout.

    Raises:
        TimeoutError: the bytes did not all arrive in time (a stalled or half-written frame).
        EOFError: the writer has gone.
    """
    chunks = []
    while count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the frame did not arrive in time")
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def read_frame_before(fd: int, deadline: float) -> Any:
    """`read_frame` with a deadline for the whole frame, header included."""
    (length,) = _HEADER.unpack(read_before(fd, _HEADER.size, deadline))
    if length > MAX_FRAME:
        raise WireError(f"frame of {length} bytes is over the {MAX_FRAME} limit")
    return loads(read_before(fd, length, deadline))
