"""Visible tests for q4. Run them with `pytest exercises/q4`; the hidden tests go further."""

import keras
import numpy as np
import tensorflow as tf

from grader.testing import assert_close, fail


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])


def _data(n=32):
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


def test_train_step_returns_a_scalar_loss_and_changes_the_weights(learner):
    model = _model()
    before = [np.array(w) for w in model.get_weights()]
    x, y = _data()
    loss = learner.train_step(model, keras.optimizers.SGD(0.1),
                              keras.losses.BinaryCrossentropy(), x, y)
    if np.size(loss) != 1 or not np.isfinite(float(np.asarray(loss))):
        raise fail("a finite scalar loss", repr(loss), "return the loss of the forward pass")
    if all(np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True)):
        raise fail("the weights to change after train_step", "they did not",
                   "optimizer.apply_gradients(zip(gradients, model.trainable_variables))")


def test_test_step_returns_the_loss_and_leaves_the_weights_alone(learner):
    model = _model()
    before = [np.array(w) for w in model.get_weights()]
    x, y = _data()
    metric = keras.metrics.BinaryAccuracy()
    loss = learner.test_step(model, keras.losses.BinaryCrossentropy(), x, y, [metric])
    predictions = np.asarray(model(x, training=False))
    expected = float(keras.losses.BinaryCrossentropy()(y, predictions))
    assert_close(np.asarray(loss, dtype=float), expected, "the batch loss",
                 "return loss_fn(y, predictions)", rtol=1e-5)
    for a, b in zip(before, model.get_weights(), strict=True):
        assert_close(b, a, "unchanged weights", "test_step must not train the model")
    assert_close(float(metric.result()), np.mean((predictions > 0.5) == y),
                 "the accuracy metric after one batch", "metric.update_state(y, predictions)")


def test_fit_returns_one_value_per_epoch_for_each_key(learner):
    x, y = _data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    history = learner.fit(_model(), ds, ds, 2, keras.optimizers.Adam(0.01),
                          keras.losses.BinaryCrossentropy())
    expected = {"loss", "accuracy", "val_loss", "val_accuracy"}
    if not isinstance(history, dict) or set(history) != expected:
        raise fail(f"a dict with keys {sorted(expected)}", repr(history)[:200],
                   "the history dict fit returns")
    for key, values in history.items():
        if len(values) != 2:
            raise fail(f"history[{key!r}] with 2 values for 2 epochs", repr(values),
                       "append once per epoch")
