"""Visible tests for q19. Run them with `pytest exercises/q19`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import fail


def _drive(callback, epoch_logs):
    """Call the hooks as fit does; return the epoch after which stop_training was set."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, logs)
        if model.stop_training:
            return epoch
    return None


def test_stops_on_the_first_epoch_reaching_the_threshold(learner):
    logs = [{"accuracy": 0.5}, {"accuracy": 0.75}, {"accuracy": 0.9}]
    stopped = _drive(learner.StopAtAccuracy(0.75), logs)
    if stopped != 1:
        raise fail("a stop at the end of epoch index 1 (accuracy 0.75 reaches 0.75)",
                   f"stop at {stopped}", "self.model.stop_training = True when value >= threshold")


def test_a_missing_key_does_not_raise_or_stop(learner):
    stopped = _drive(learner.StopAtAccuracy(0.5), [{}, {"loss": 0.2}])
    if stopped is not None:
        raise fail("no stop without an 'accuracy' entry", f"stop at {stopped}",
                   "logs.get(self.monitor) is None when the key is missing")


def test_loss_history_has_one_loss_per_training_batch(learner):
    x = np.random.default_rng(0).normal(size=(12, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    history = learner.LossHistory()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[history])
    if len(history.losses) != 6:
        raise fail("6 losses (2 epochs of 3 batches)", f"{len(history.losses)}",
                   "append logs['loss'] in on_train_batch_end")
