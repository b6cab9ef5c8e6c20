"""Visible tests for q7. Run them with `pytest exercises/q7`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape


def test_distance_between_0_0_and_3_4_is_5(learner):
    a = np.array([[0.0, 0.0]], "float32")
    b = np.array([[3.0, 4.0]], "float32")
    assert_close(learner.euclidean_distance(a, b), [[5.0]], "distance [[5.0]]",
                 "sqrt(sum((a - b)**2, axis=-1, keepdims=True))", rtol=1e-4)


def test_siamese_model_takes_two_images_and_returns_b_by_1(learner):
    model = learner.build_siamese((8, 8, 1))
    images = np.random.default_rng(0).uniform(size=(3, 8, 8, 1)).astype("float32")
    assert_shape(model([images, images[::-1]]), (3, 1), "one distance per pair",
                 "build_siamese's output")


def test_contrastive_loss_is_zero_for_perfect_pairs(learner):
    y = np.array([1.0, 0.0], "float32")           # similar at distance 0, dissimilar beyond 1
    d = np.array([[0.0], [1.5]], "float32")
    assert_close(np.reshape(learner.contrastive_loss(y, d), ()), 0.0, "a loss of 0",
                 "y * d**2 + (1 - y) * max(margin - d, 0)**2", atol=1e-6)
