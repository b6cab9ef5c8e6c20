"""Visible tests for q9. Run them with `pytest exercises/q9`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def test_pooling_gives_context_b_f_and_scores_b_t(learner):
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    context, scores = learner.AttentionPooling(4)(x, return_attention_scores=True)
    assert_shape(context, (2, 3), "context (B, F)", "sum over the time axis (axis=1)")
    assert_shape(scores, (2, 5), "scores (B, T)", "one score per time step")


def test_scores_sum_to_one_and_skip_masked_steps(learner):
    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, True], [True, False, False, True]])
    _, scores = learner.AttentionPooling(4)(x, mask=mask, return_attention_scores=True)
    scores = np.asarray(scores)
    assert_close(scores.sum(axis=1), [1.0, 1.0], "scores summing to 1 over time",
                 "keras.ops.softmax(logits, axis=-1) on logits of shape (B, T)", atol=1e-5)
    if np.any(scores[~mask] > 1e-6):
        raise fail("scores of 0 at masked steps", f"{scores[~mask]}",
                   "replace masked logits with a very negative number before the softmax")


def test_classifier_outputs_one_probability_per_sequence(learner):
    model = learner.build_attention_classifier(vocab_size=20, max_length=6)
    tokens = np.array([[0, 0, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]], "int32")
    probabilities = assert_shape(model(tokens), (2, 1), "(B, 1) probabilities",
                                 "end with Dense(1, activation='sigmoid')")
    if np.any(probabilities < 0) or np.any(probabilities > 1):
        raise fail("probabilities in [0, 1]", f"{probabilities.ravel()}", "a sigmoid output")
