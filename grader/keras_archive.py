"""Reading a `.keras` file in the grading process, without running any learner code.

A `.keras` file is a zip of `config.json` (the model's architecture as JSON),
`metadata.json` and `model.weights.h5` (HDF5). The worker saves a learner's model and sends
the file's bytes; a hidden test reads them here with `json` and `h5py` only (nothing is
deserialized, no class is looked up, no module imported) and computes the outputs it expects
from the file's own weights with NumPy. So a `.keras` round trip is judged on an artefact the
grading process checked itself, not on the worker's word that "before equals after".
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # uncompressed: a zip bomb is refused, not inflated


class ArchiveError(ValueError):
    """The bytes are not a readable `.keras` file."""


def _snake(name: str) -> str:
    # Keras names each layer's weights group after its class in snake case (CustomDense ->
    # custom_dense), with _1, _2 ... for repeats inside one container.
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


@dataclass
class KerasArchive:
    """A parsed `.keras` file.

    Attributes:
        config: `config.json`, the serialized model.
        weights: every HDF5 dataset as `{"layers/dense/vars/0": array, ...}`.
        members: the zip's member names.
    """

    config: dict[str, Any]
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)

    def layer_configs(self) -> list[dict[str, Any]]:
        """The top-level layers of a Sequential or Functional model, InputLayer left out."""
        layers = self.config.get("config", {}).get("layers", [])
        return [layer for layer in layers if layer.get("class_name") != "InputLayer"]

    def class_names(self) -> list[str]:
        return [str(layer.get("class_name")) for layer in self.layer_configs()]

    def layer_vars(self) -> list[list[np.ndarray]]:
        """Each top-level layer's variables, in the order of `layer_configs()`.

        Variables are listed in creation order (`vars/0`, `vars/1`, ...), e.g. kernel then
        bias for a layer that creates them in that order.
        """
        seen: dict[str, int] = {}
        result = []
        for layer in self.layer_configs():
            snake = _snake(str(layer.get("class_name", "")))
            count = seen.get(snake, 0)
            seen[snake] = count + 1
            group = f"layers/{snake}" if count == 0 else f"layers/{snake}_{count}"
            arrays = []
            index = 0
            while f"{group}/vars/{index}" in self.weights:
                arrays.append(self.weights[f"{group}/vars/{index}"])
                index += 1
            result.append(arrays)
        return result


def read_keras_archive(data: bytes | np.ndarray) -> KerasArchive:
    """Parse the bytes of a `.keras` file (a uint8 array from the wire is fine).

    Raises:
        ArchiveError: not a zip, no config.json, a member too large, or unreadable HDF5.
    """
    import h5py

    raw = data.tobytes() if isinstance(data, np.ndarray) else bytes(data)
    if len(raw) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"the .keras file is {len(raw)} bytes, over {MAX_ARCHIVE_BYTES}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"not a .keras file (not a zip archive): {exc}") from None
    with archive:
        members = archive.namelist()
        for info in archive.infolist():
            if info.file_size > MAX_MEMBER_BYTES:
                raise ArchiveError(f"{info.filename} is too large ({info.file_size} bytes)")
        if "config.json" not in members:
            raise ArchiveError(f"no config.json in the .keras file (members: {members})")
        try:
            config = json.loads(archive.read("config.json"))
        except ValueError as exc:
            raise ArchiveError(f"config.json is not JSON: {exc}") from None
        if not isinstance(config, dict):
            raise ArchiveError("config.json does not hold an object")
        weights: dict[str, np.ndarray] = {}
        if "model.weights.h5" in members:
            try:
                with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
                    def keep(name: str, obj: Any) -> None:
                        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "biuf":
                            weights[name] = np.array(obj[()])
                    h5.visititems(keep)
            except OSError as exc:
                raise ArchiveError(f"model.weights.h5 cannot be read: {exc}") from None
    return KerasArchive(config=config, weights=weights, members=members)


def custom_objects_in(config: Any) -> list[tuple[str, str]]:
    """Every object in a saved config that is not part of Keras, as (lookup name, kind).

    kind is "class" for a layer or other class (looked up by its registered name),
    "function" for a registered function, e.g. inside a Lambda layer, and "lambda" for a
    Python lambda saved as bytecode (which safe mode refuses to load and nothing replaces).
    """
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            module = str(node.get("module", "keras"))
            if node.get("class_name") == "__lambda__":
                found.append(("__lambda__", "lambda"))
            elif node.get("class_name") == "function" and isinstance(node.get("config"), str):
                if ">" in node["config"] or not module.startswith("keras"):
                    found.append((node["config"], "function"))
            elif "class_name" in node and "module" in node and not module.startswith("keras"):
                found.append((str(node.get("registered_name") or node["class_name"]), "class"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return found


def load_with_substitutes(data: bytes | np.ndarray, substitutes: dict[str, Any]) -> Any:
    """Load a `.keras` file in the grading process with our stand-ins for the learner's code.

    Every object of the file that is not Keras' own must be named in `substitutes` (a
    registered name -> our oracle class or function); otherwise this refuses to load
    anything. Loads in safe mode, without compiling, so no learner code and no arbitrary
    module is ever imported here.

    Raises:
        ArchiveError: the file names objects we have no stand-in for, or will not load.
    """
    import os
    import tempfile

    import keras

    archive = read_keras_archive(data)
    found = custom_objects_in(archive.config)
    if any(kind == "lambda" for _, kind in found):
        raise ArchiveError("the file holds a Python lambda (a Lambda layer's function), which "
                           "safe mode refuses to load")
    unknown = sorted({name for name, _ in found if name not in substitutes})
    if unknown:
        raise ArchiveError(f"the file uses objects the grader has no stand-in for: {unknown}")
    raw = data.tobytes() if isinstance(data, np.ndarray) else bytes(data)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as handle:
            handle.write(raw)
        try:
            return keras.saving.load_model(path, custom_objects=substitutes, compile=False,
                                           safe_mode=True)
        except Exception as exc:  # noqa: BLE001 - any failure to load is the file's
            raise ArchiveError(f"the file does not load: {type(exc).__name__}: {exc}") from None
