"""Hidden tests for q9, attention pooling and an attention classifier.

Verdicts and oracles here; the worker runs probes.py. `AttentionPooling` is the seed's
additive scorer, `logits_t = u . tanh(x_t W + b)`, softmax over time, `context = sum_t s_t x_t`.
How the layer stores W, b and u is the learner's choice (own weights or Dense sublayers, in
any order), so the tests ask for the weight shapes first, send values for every weight, and
compute the expected outputs here from what they sent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import (
    assert_close,
    assert_finite,
    assert_shape,
    curve,
    curve_details,
    curve_of,
    fail,
)

F, U = 4, 6  # features and units in every AttentionPooling test (F != U, so W is unambiguous)

LAYOUT = ("the seed's additive scorer: a kernel W (features, units), a bias b (units,) and a "
          "scoring vector u (units,) or (units, 1), e.g. add_weight in build(), or "
          "Dense(units, activation='tanh') followed by Dense(1, use_bias=False)")


# -- weights the test chooses ------------------------------------------------------------
def layer_shapes(submission) -> list[tuple[int, ...]]:
    shapes = submission.call("pooling_shapes", units=U, features=F,
                             look_at="AttentionPooling(units) must build on (B, T, features) input")
    return [tuple(int(d) for d in shape) for shape in shapes]


def random_weights(shapes, seed: int, scale: float = 1.0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(scale * rng.normal(size=shape)).astype("float32") for shape in shapes]


def roles(shapes) -> list[dict[str, Any]]:
    """Every way to read the weight list as W, b, u (b may be absent; scalars are ignored)."""
    matrices = [i for i, s in enumerate(shapes) if s == (F, U)]
    vectors = [i for i, s in enumerate(shapes) if s in ((U,), (U, 1), (1, U))]
    scalars = [i for i, s in enumerate(shapes) if int(np.prod(s)) == 1]
    if (len(matrices) != 1 or len(vectors) not in (1, 2)
            or len(matrices) + len(vectors) + len(scalars) != len(shapes)):
        raise fail(f"weights for features={F}, units={U}: {LAYOUT}", f"weights of shapes {shapes}",
                   "build(): create W, b and u from input_shape[-1] and units, nothing else")
    (w,) = matrices
    if len(vectors) == 1:
        return [{"W": w, "b": None, "u": vectors[0], "scalars": scalars}]
    first, second = vectors
    if shapes[second] == (U,) and shapes[first] != (U,):  # a (units, 1) kernel is u
        first, second = second, first
    candidates = [{"W": w, "b": first, "u": second, "scalars": scalars}]
    if shapes[first] == shapes[second]:
        candidates.append({"W": w, "b": second, "u": first, "scalars": scalars})
    return candidates


def additive_attention(x, mask, W, b, u):
    """The oracle, in float64: (context (B, F), scores (B, T))."""
    x = np.asarray(x, np.float64)
    logits = np.tanh(x @ W + (0.0 if b is None else b)) @ u
    if mask is not None:
        logits = np.where(np.asarray(mask).astype(bool), logits, -np.inf)
    logits = logits - logits.max(axis=1, keepdims=True)
    scores = np.exp(logits)
    scores /= scores.sum(axis=1, keepdims=True)
    return (scores[..., None] * x).sum(axis=1), scores


def params(weights, role) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    def flat(index):
        return None if index is None else np.asarray(weights[index], np.float64).reshape(-1)
    return np.asarray(weights[role["W"]], np.float64), flat(role["b"]), flat(role["u"])


def matching_role(got_context, got_scores, x, mask, weights, candidates, look_at):
    """The first reading of the weights whose oracle the learner's outputs match.

    `got_scores` may be None (a model that returns the context only).
    """
    def close(got, expected):
        return (np.shape(got) == expected.shape
                and np.allclose(got, expected, rtol=1e-4, atol=1e-5))

    for role in candidates:
        context, scores = additive_attention(x, mask, *params(weights, role))
        if close(got_context, context) and (got_scores is None or close(got_scores, scores)):
            return role
    context, scores = additive_attention(x, mask, *params(weights, candidates[0]))
    if got_scores is not None:
        assert_close(got_scores, scores, "attention scores softmax_t(u . tanh(x_t W + b)), "
                     "computed here from the weights the test set", look_at,
                     rtol=1e-4, atol=1e-5)
    assert_close(got_context, context, "context sum_t scores_t * x_t, computed here from the "
                 "weights the test set", look_at, rtol=1e-4, atol=1e-5)
    return candidates[0]


def inputs(seed: int, batch: int = 3, steps: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(batch, steps, F)).astype("float32")


def random_mask(seed: int, batch: int, steps: int) -> np.ndarray:
    """About a third of the steps masked, never a whole row, row 0 fully visible."""
    rng = np.random.default_rng(seed)
    mask = rng.uniform(size=(batch, steps)) > 0.35
    mask[np.arange(batch), rng.integers(steps, size=batch)] = True
    mask[0] = True
    return mask


def check_pooling_properties(got, x, mask, what: str, look_at: str) -> None:
    """Scores are a distribution over the visible steps and context is their average."""
    context = assert_finite(got["context"], f"the context for {what}", look_at)
    scores = assert_shape(assert_finite(got["scores"], f"the scores for {what}", look_at),
                          x.shape[:2], f"scores (B, T) for {what}", look_at)
    assert_shape(context, (x.shape[0], x.shape[2]), f"context (B, F) for {what}", look_at)
    assert_close(scores.sum(axis=1), np.ones(x.shape[0]),
                 f"scores summing to 1 over time for {what}", look_at, rtol=0, atol=1e-5)
    if np.any(scores < -1e-7):
        raise fail(f"non-negative scores for {what}", f"{scores.min():.3g}", look_at)
    if mask is not None:
        hidden = ~np.asarray(mask).astype(bool)
        assert_close(scores[hidden], np.zeros(int(hidden.sum())),
                     f"scores of exactly 0 at the masked steps for {what}",
                     "give masked steps a very negative logit before the softmax "
                     "(cast the mask to bool; 0/1 floats count too)", rtol=0, atol=1e-6)
    expected = (scores[..., None] * np.asarray(x, np.float64)).sum(axis=1)
    assert_close(context, expected,
                 f"context == sum over time of scores * x (computed here from the scores "
                 f"you returned) for {what}", "context = sum(x * scores[..., None], axis=1)",
                 rtol=1e-4, atol=1e-5)


# -- AttentionPooling ----------------------------------------------------------------------
@pytest.mark.shape
@pytest.mark.points(2)
def test_pooling_returns_context_b_f_and_scores_b_t_for_any_length(submission, device):
    shapes = layer_shapes(submission)
    x5, x9 = inputs(1, batch=3, steps=5), inputs(2, batch=2, steps=9)
    got = submission.call("pool", device=device, units=U, weights=random_weights(shapes, 1),
                          inputs=[{"x": x5, "mask": None}, {"x": x9, "mask": None}],
                          look_at="call(x, mask=None, return_attention_scores=False)")
    for result, x in zip(got, (x5, x9), strict=True):
        b, t, f = x.shape
        where = f"input (B={b}, T={t}, F={f})" + (" after building on T=5" if t == 9 else "")
        assert_shape(result["plain"], (b, f), f"call(x) to return the context (B, F) for {where}",
                     "without return_attention_scores, return the context tensor alone")
        assert_shape(result["context"], (b, f), f"context (B, F) for {where}",
                     "sum over the time axis (axis=1)")
        assert_shape(result["scores"], (b, t), f"scores (B, T) for {where}",
                     "one score per time step: drop the trailing axis of size 1; weights "
                     "must not depend on the sequence length")


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_outputs_equal_additive_attention_computed_here(submission, device):
    shapes = layer_shapes(submission)
    candidates = roles(shapes)
    weights = random_weights(shapes, 3)
    x = inputs(3, batch=4, steps=6)
    (got,) = submission.call("pool", device=device, units=U, weights=weights,
                             inputs=[{"x": x, "mask": None}])
    role = matching_role(got["context"], got["scores"], x, None, weights, candidates,
                         "logits = tanh(x @ W + b) @ u, softmax over the time axis (axis=1), "
                         "then context = sum(x * scores[..., None], axis=1)")
    assert_close(got["plain"], additive_attention(x, None, *params(weights, role))[0],
                 "call(x) without return_attention_scores to return the same context",
                 "return_attention_scores only adds the scores", rtol=1e-4, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("mask_dtype", ["bool", "float32", "int32"])
def test_scores_sum_to_one_and_are_zero_at_masked_steps(submission, device, mask_dtype):
    shapes = layer_shapes(submission)
    candidates = roles(shapes)
    weights = random_weights(shapes, 4)
    x = inputs(4, batch=5, steps=7)
    mask = random_mask(4, 5, 7)
    (got,) = submission.call("pool", device=device, units=U, weights=weights,
                             inputs=[{"x": x, "mask": mask.astype(mask_dtype)}],
                             look_at=f"a {mask_dtype} mask of shape (B, T): cast it to bool")
    look = f"the {mask_dtype} mask: masked steps get a very negative logit before the softmax"
    check_pooling_properties(got, x, mask, f"a mask of dtype {mask_dtype}", look)
    matching_role(got["context"], got["scores"], x, mask, weights, candidates,
                  "the softmax over the visible steps only, renormalised to sum to 1")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_large_attention_logits_stay_finite(submission, device):
    shapes = layer_shapes(submission)
    weights = random_weights(shapes, 5, scale=300.0)  # logits in the hundreds or thousands
    x = inputs(5, batch=16, steps=6)
    mask = random_mask(5, 16, 6)
    got = submission.call("pool", device=device, units=U, weights=weights,
                          inputs=[{"x": x, "mask": None}, {"x": x, "mask": mask}])
    look = ("exp overflows above ~88 in float32: use keras.ops.softmax (it subtracts the row "
            "maximum), and mask with a very negative logit, not by multiplying exp(...) by the "
            "mask (a masked step can hold the maximum)")
    check_pooling_properties(got[0], x, None, "logits in the thousands", look)
    # Masked zeros are the masking test's business; here the masked call must stay finite.
    check_pooling_properties(got[1], x, None, "logits in the thousands, with a mask", look)


@pytest.mark.behaviour
@pytest.mark.points(1)
def test_permuting_time_steps_keeps_the_pooled_output(submission, device):
    shapes = layer_shapes(submission)
    x = inputs(6, batch=4, steps=7)
    order = np.random.default_rng(6).permutation(7)
    got = submission.call("pool", device=device, units=U, weights=random_weights(shapes, 6),
                          inputs=[{"x": x, "mask": None}, {"x": x[:, order], "mask": None}])
    look = "score each step from its own features only; pool with a sum over time"
    check_pooling_properties(got[0], x, None, "the original order", look)
    check_pooling_properties(got[1], x[:, order], None, "permuted time steps", look)
    assert_close(got[1]["context"], got[0]["context"],
                 "the same pooled output after permuting the time steps",
                 look, rtol=1e-4, atol=1e-5)
    assert_close(got[1]["scores"], got[0]["scores"][:, order],
                 "the scores permuted along with the steps", look, rtol=1e-4, atol=1e-5)


@pytest.mark.gradient
@pytest.mark.points(2)
def test_gradients_reach_every_weight_and_match_finite_differences(submission, device):
    shapes = layer_shapes(submission)
    candidates = roles(shapes)
    weights = random_weights(shapes, 7)
    x = inputs(7, batch=3, steps=5)
    mask = None  # masking has its own test
    cotangent = np.random.default_rng(70).normal(size=(3, F))
    got = submission.call("gradients", device=device, units=U, weights=weights, x=x,
                          cotangent=cotangent)
    role = matching_role(got["context"], got["scores"], x, mask, weights, candidates,
                         "the forward pass must be the additive attention of the other tests")
    W, b, u = params(weights, role)

    def objective(**replace):
        p = {"W": W, "b": b, "u": u, **replace}
        return float((additive_attention(x, mask, p["W"], p["b"], p["u"])[0] * cotangent).sum())

    for name in ("W", "b", "u"):
        index = role[name]
        if index is None:
            continue
        if got["missing"][index]:
            raise fail(f"a gradient for the weight of shape {shapes[index]} ({name})", "None",
                       "no NumPy and no stop_gradient between the weights and the output")
        value = np.array(params(weights, role)[("W", "b", "u").index(name)])
        expected = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            expected[i] = (objective(**{name: up}) - objective(**{name: down})) / 2e-6
        assert_close(np.reshape(got["grads"][index], expected.shape), expected,
                     f"d sum(cotangent * context) / d {name} (finite differences of the "
                     "additive attention)", "a differentiable forward pass: keras.ops or tf "
                     "only", rtol=1e-3, atol=1e-4 * float(np.abs(expected).max()))
    for index in role["scalars"]:
        raise fail(f"every weight to get a gradient; the weight of shape {shapes[index]} never "
                   "can", "a gradient of exactly 0",
                   "softmax ignores a constant added to every logit: drop that bias "
                   "(Dense(1, use_bias=False) for the scoring vector)")


@pytest.mark.serialization
@pytest.mark.points(1)
def test_from_config_rebuilds_an_equal_layer(submission, device):
    shapes = layer_shapes(submission)
    candidates = roles(shapes)
    weights = random_weights(shapes, 8)
    x = inputs(8, batch=3, steps=4)
    mask = None
    got = submission.call("config_round_trip", device=device, units=U, weights=weights, x=x,
                          look_at="get_config() returns units on top of super().get_config(), "
                                  "and __init__ passes **kwargs (name, dtype, ...) to super()")
    context, scores = got["rebuilt"]
    matching_role(context, scores, x, mask, weights, candidates,
                  "from_config(get_config()) must rebuild a layer with the same units")


@pytest.mark.serialization
@pytest.mark.points(2)
def test_keras_file_keeps_units_and_weights_and_reloads(submission, device):
    shapes = layer_shapes(submission)
    candidates = roles(shapes)
    weights = random_weights(shapes, 9)
    x = inputs(9, batch=3, steps=6)
    look = ("@keras.saving.register_keras_serializable() on the class, and get_config() "
            "returning units")
    got = submission.call("keras_round_trip", device=device, units=U, weights=weights, x=x,
                          look_at=look)
    archive = read_keras_archive(got["file"])
    configs = [layer for layer in archive.layer_configs()
               if layer.get("class_name") == "AttentionPooling"]
    if len(configs) != 1 or configs[0].get("config", {}).get("units") != U:
        raise fail(f"the .keras file to hold one AttentionPooling layer with units={U}",
                   f"layers {archive.class_names()}, configs {[c.get('config') for c in configs]}",
                   look)
    matching_role(got["reloaded"], None, x, None, weights, candidates,
                  "the reloaded model must compute the same additive attention: " + look)


# -- the classifier -------------------------------------------------------------------------
def padded_tokens(seed: int, n: int, vocab_size: int, max_length: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    tokens = np.zeros((n, max_length), "int32")
    for i in range(n):
        length = int(rng.integers(3, max_length + 1))
        tokens[i, max_length - length:] = rng.integers(1, vocab_size, size=length)
    return tokens


@pytest.mark.shape
@pytest.mark.points(1)
def test_classifier_maps_padded_tokens_to_b_1_probabilities(submission, device):
    tokens = padded_tokens(10, 5, vocab_size=50, max_length=12)
    got = submission.call("classifier_outputs", device=device, vocab_size=50, max_length=12,
                          tokens=tokens, look_at="build_attention_classifier: int tokens in")
    probabilities = assert_shape(got["probabilities"], (5, 1),
                                 "one probability per sequence, shape (B, 1)",
                                 "end with Dense(1, activation='sigmoid')")
    assert_finite(probabilities, "the probabilities", "the classifier's layers")
    if np.any(probabilities < 0) or np.any(probabilities > 1):
        raise fail("probabilities in [0, 1]", f"{probabilities.ravel()}",
                   "a sigmoid on the last Dense layer")


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(1)
def test_classifier_uses_multi_head_attention(submission):
    got = submission.call("classifier_outputs", vocab_size=50, max_length=12,
                          tokens=padded_tokens(11, 2, 50, 12))
    if not got["multi_head_attention_layers"]:
        raise fail("a keras.layers.MultiHeadAttention layer in the classifier",
                   "none", "self-attention: MultiHeadAttention(num_heads, key_dim)(x, x)")


def presence_data(seed: int, n: int, vocab_size: int = 30, max_length: int = 16, k: int = 7):
    """Pre-padded sequences of 4..max_length tokens; label 1 when token k occurs (half do)."""
    rng = np.random.default_rng(seed)
    others = np.array([t for t in range(1, vocab_size) if t != k])
    y = rng.permutation(np.arange(n) % 2).astype("float32")
    x = np.zeros((n, max_length), "int32")
    for i in range(n):
        length = int(rng.integers(4, max_length + 1))
        row = rng.choice(others, size=length)
        if y[i]:
            row[rng.choice(length, size=int(rng.integers(1, 3)), replace=False)] = k
        x[i, max_length - length:] = row
    return x, y.reshape(-1, 1)


def run_presence(submission, seed: int) -> tuple[float, list[float] | None]:
    """Held-out accuracy on "is token 7 present"; the labels never leave this process. With
    it, the accuracy after each epoch (the last one is the verdict's), for the feedback."""
    x, y = presence_data(2 * seed, 800)
    x_eval, y_eval = presence_data(2 * seed + 1, 400)
    got = submission.call("train_classifier", seed=seed, vocab_size=30, max_length=16,
                          x=x, y=y, x_eval=x_eval, epochs=2, learning_rate=3e-3,
                          init_seed=seed, timeout=120)
    final = float(np.mean((np.asarray(got["probabilities"]) > 0.5) == (y_eval.reshape(-1) > 0.5)))

    def accuracy(probabilities: np.ndarray) -> float:
        p = np.asarray(probabilities, np.float64).reshape(len(y_eval))
        return float(np.mean((p > 0.5) == (y_eval.reshape(-1) > 0.5)))

    return final, curve_of(got["per_epoch"], accuracy, final=final)


# Sweep of the reference (bench/sweep.py q9, seeds 0-19): accuracy min 1.000, mean 1.000 ->
# threshold 0.9 (a softmax on the one output unit stays at chance, 0.5).
MIN_ACCURACY = 0.9


@pytest.mark.convergence
@pytest.mark.points(2)
def test_classifier_learns_whether_a_token_is_present(submission):
    accuracy, per_epoch = run_presence(submission, 0)
    if accuracy < MIN_ACCURACY:
        raise fail(f"held-out accuracy of at least {MIN_ACCURACY} on 'does token 7 occur?'",
                   f"{accuracy:.3f}" + (f" (per epoch: {curve(per_epoch)})" if per_epoch else ""),
                   "a sigmoid output trained with binary cross-entropy; attention lets every "
                   "position see the token (a softmax on one unit always outputs 1)",
                   details=curve_details(per_epoch, MIN_ACCURACY, below=False, final=accuracy))
