"""Visible tests for q11. Run them with `pytest exercises/q11`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import assert_close, assert_shape, fail


def _x(n=6, d=8):
    return np.random.default_rng(0).uniform(size=(n, d)).astype("float32")


def test_model_outputs_probability_rows(learner):
    model = learner.build_regularized_mlp(8, 3)
    probs = assert_shape(np.asarray(model(_x())), (6, 3), "probabilities for 6 inputs, 3 classes",
                         "the output layer: Dense(num_classes, activation='softmax')")
    assert_close(probs.sum(axis=-1), np.ones(6), "rows summing to 1",
                 "activation='softmax' on the last layer", atol=1e-5)


def test_hidden_kernels_carry_an_l2_penalty(learner):
    model = learner.build_regularized_mlp(8, 3, l2=0.1)
    if not model.losses:
        raise fail("model.losses to hold the L2 penalties", "an empty list",
                   "kernel_regularizer=keras.regularizers.L2(l2) on the hidden Dense layers, "
                   "and a built model (start from keras.Input)")
    penalty = float(sum(np.asarray(loss) for loss in model.losses))
    kernels = [w for w in model.trainable_weights if len(w.shape) == 2]
    hidden = 0.1 * sum(float(np.sum(np.asarray(k) ** 2)) for k in kernels[:-1])
    if not (np.isclose(penalty, hidden, rtol=1e-4)
            or np.isclose(penalty, hidden + 0.1 * float(np.sum(np.asarray(kernels[-1]) ** 2)),
                          rtol=1e-4)):
        raise fail(f"sum(model.losses) == 0.1 * sum(kernel**2) = {hidden:.5g}",
                   f"{penalty:.5g}", "L2(l2) on the kernels only")


def test_dropout_acts_only_in_training(learner):
    model = learner.build_regularized_mlp(8, 3, dropout=0.5)
    x = _x(16)
    assert_close(np.asarray(model(x, training=False)), np.asarray(model(x, training=False)),
                 "identical inference outputs", "Dropout is off at inference")
    if np.allclose(np.asarray(model(x, training=True)), np.asarray(model(x, training=False))):
        raise fail("training=True outputs to differ from inference", "they are equal",
                   "add keras.layers.Dropout(dropout) after the hidden layers")


def test_early_stopping_is_a_callback_watching_val_loss(learner):
    callback = learner.early_stopping(patience=2)
    if not isinstance(callback, keras.callbacks.Callback):
        raise fail("a keras.callbacks.Callback", type(callback).__name__,
                   "return keras.callbacks.EarlyStopping(...)")
    x = _x(32, 4)
    y = x[:, :1] * 2.0
    x_val = _x(8, 4)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    # Validation targets that get worse as the model fits the training data.
    history = model.fit(x, y, epochs=30, verbose=0, validation_data=(x_val, -10 * x_val[:, :1]),
                        callbacks=[callback])
    if len(history.history["loss"]) >= 30:
        raise fail("training to stop early when val_loss keeps rising",
                   "all 30 epochs ran", "monitor='val_loss' and patience=patience")
