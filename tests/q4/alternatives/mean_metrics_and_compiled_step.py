"""Another correct q4: Mean metrics for the losses, tf.add_n for the penalties, and a
tf.function step compiled inside fit for each model (so two fits never share a trace)."""

import keras
import tensorflow as tf


def train_step(model, optimizer, loss_fn, x, y, metrics=()):
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        data_loss = loss_fn(y, y_pred)
        loss = data_loss + tf.add_n(model.losses) if model.losses else data_loss
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    for m in metrics:
        m.update_state(y, y_pred)
    return data_loss


def test_step(model, loss_fn, x, y, metrics=()):
    y_pred = model(x, training=False)
    for m in metrics:
        m.update_state(y, y_pred)
    return loss_fn(y, y_pred)


def fit(model, train_ds, val_ds, epochs, optimizer, loss_fn):
    step = tf.function(train_step)
    train_loss, val_loss = keras.metrics.Mean(), keras.metrics.Mean()
    train_acc, val_acc = keras.metrics.BinaryAccuracy(), keras.metrics.BinaryAccuracy()
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        for m in (train_loss, val_loss, train_acc, val_acc):
            m.reset_state()
        for x, y in train_ds:
            train_loss.update_state(step(model, optimizer, loss_fn, x, y, [train_acc]))
        for x, y in val_ds:
            val_loss.update_state(test_step(model, loss_fn, x, y, [val_acc]))
        history["loss"].append(float(train_loss.result()))
        history["accuracy"].append(float(train_acc.result()))
        history["val_loss"].append(float(val_loss.result()))
        history["val_accuracy"].append(float(val_acc.result()))
    return history
