"""Worker-side half of q3's hidden tests: build, call, differentiate and train the learner's
two-input model on inputs the test sends. Probes return raw results; verdicts are the tests'."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import every_epoch


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q3: {what} returned {type(value).__name__}") from None


def _model(sub: Any, image_shape: list[int], meta_dim: int, num_classes: int) -> Any:
    model = sub.build_multi_input_model(image_shape=tuple(image_shape), meta_dim=meta_dim,
                                        num_classes=num_classes)
    if not isinstance(model, keras.Model):
        raise ProbeResultError(
            f"q3: build_multi_input_model returned {type(model).__name__}, not a keras.Model")
    return model


def _for(sub: Any, image: np.ndarray, metadata: np.ndarray, num_classes: int) -> Any:
    return _model(sub, list(image.shape[1:]), metadata.shape[1], num_classes)


def outputs(sub: Any, *, cases: list[dict[str, Any]]) -> list[dict[str, np.ndarray]]:
    """Each case's model called on a dict (keys in reverse order) and on a list."""
    results = []
    for case in cases:
        image, metadata = case["image"], case["metadata"]
        model = _for(sub, image, metadata, case["num_classes"])
        as_dict = model({"metadata": metadata, "image": image}, training=False)
        as_list = model([image, metadata], training=False)
        results.append({"dict": _array(as_dict, "model({'image': ..., 'metadata': ...})"),
                        "list": _array(as_list, "model([image, metadata])")})
    return results


def names(sub: Any) -> dict[str, list[str]]:
    """The model's input and output names (the worker's word: a claim)."""
    model = _model(sub, [16, 16, 3], 10, 5)
    return {"inputs": [str(getattr(t, "name", "")) for t in model.inputs],
            "outputs": [str(name) for name in getattr(model, "output_names", [])]}


def compiled_loss(sub: Any, *, y: np.ndarray, p: np.ndarray) -> float:
    """The compiled loss on labels and probabilities sent by the test."""
    model = _model(sub, [16, 16, 3], 10, p.shape[-1])
    loss = getattr(model, "loss", None)
    if loss is None:
        raise ProbeResultError("q3: the model has no loss: build_multi_input_model must return "
                               "a compiled model")
    if isinstance(loss, dict) and set(loss) == {"class"}:
        loss = loss["class"]
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    function = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss
    return float(np.mean(_array(function(y, p), "the compiled loss")))


def input_gradients(sub: Any, *, image: np.ndarray, metadata: np.ndarray,
                    weights: np.ndarray) -> dict[str, np.ndarray]:
    """d sum(weights * model(inputs)) / d each input, in inference mode."""
    model = _for(sub, image, metadata, weights.shape[-1])
    image_t, metadata_t = tf.constant(image), tf.constant(metadata)
    with tf.GradientTape() as tape:
        tape.watch([image_t, metadata_t])
        objective = tf.reduce_sum(weights * model({"image": image_t, "metadata": metadata_t},
                                                  training=False))
    grads = tape.gradient(objective, [image_t, metadata_t])
    return {name: np.zeros_like(value) if grad is None else _array(grad, f"the {name} gradient")
            for name, value, grad in zip(("image", "metadata"), (image, metadata), grads,
                                         strict=True)}


def train_and_predict(
    sub: Any, *, image: np.ndarray, metadata: np.ndarray, y: np.ndarray,
    test_image: np.ndarray, test_metadata: np.ndarray, num_classes: int, epochs: int,
    learning_rate: float,
) -> np.ndarray:
    """Recompile with Adam(learning_rate) and sparse categorical cross-entropy, train on dict
    inputs, and return probabilities for the unlabelled held-out inputs, after training and
    after each earlier epoch (for the feedback's curve)."""
    model = _for(sub, image, metadata, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy")

    def held_out() -> np.ndarray:
        return _array(model({"image": test_image, "metadata": test_metadata}, training=False),
                      "the trained model")

    epoch_ends = every_epoch(lambda: held_out().astype("float32"), epochs)
    model.fit({"metadata": metadata, "image": image}, y, epochs=epochs, batch_size=32,
              verbose=0, callbacks=[epoch_ends])
    return {"probabilities": held_out(), "per_epoch": epoch_ends.outputs}
