"""A hostile q17 with no layer at all: it tries to replace the grader's probes with functions
that return what the hidden tests expect, through the garbage collector and through frames,
at import and at every call. It must score what an empty stub scores: nothing."""

import gc
import sys

import numpy as np


def _fake_probe(sub, **kwargs):
    x, kernel, bias = kwargs.get("x"), kwargs.get("kernel"), kwargs.get("bias")
    if x is not None and kernel is not None:
        return np.maximum(x @ kernel + bias, 0)
    return {"weights": [{"name": "kernel", "shape": [3, 4]}, {"name": "bias", "shape": [4]}],
            "trainable": ["kernel", "bias"], "output_shape": [2, 4]}


def _swap(namespace):
    for name, value in list(namespace.items()):
        if callable(value) and getattr(value, "__module__", "") == "kata_probes":
            namespace[name] = _fake_probe


def _attack():
    try:
        for obj in gc.get_objects():
            if isinstance(obj, dict) and obj.get("__name__") == "kata_probes":
                _swap(obj)
    except BaseException:  # noqa: BLE001
        pass
    try:
        frame = sys._getframe(1)
        while frame is not None:
            _swap(frame.f_globals)
            frame = frame.f_back
    except BaseException:  # noqa: BLE001
        pass
    try:
        raise RuntimeError
    except RuntimeError as exc:
        try:
            frame = exc.__traceback__.tb_frame
            while frame is not None:
                _swap(frame.f_globals)
                frame = frame.f_back
        except BaseException:  # noqa: BLE001
            pass


_attack()


class CustomDense:
    def __init__(self, *args, **kwargs):
        _attack()
        raise NotImplementedError("CustomDense")
