"""Visible tests for q3. Run them with `pytest exercises/q3`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def _inputs(batch=2):
    rng = np.random.default_rng(0)
    return (rng.uniform(size=(batch, 16, 16, 3)).astype("float32"),
            rng.normal(size=(batch, 10)).astype("float32"))


def test_dict_input_gives_softmax_rows(learner):
    model = learner.build_multi_input_model()
    image, metadata = _inputs()
    out = assert_shape(model({"image": image, "metadata": metadata}), (2, 5),
                       "2 rows of 5 class probabilities",
                       "inputs named 'image' and 'metadata'; Dense(num_classes, 'softmax')")
    assert_close(out.sum(axis=-1), [1.0, 1.0], "each row to sum to 1",
                 "activation='softmax' on the 'class' layer", atol=1e-5)


def test_list_input_in_the_order_image_then_metadata(learner):
    model = learner.build_multi_input_model()
    image, metadata = _inputs()
    assert_shape(model([image, metadata]), (2, 5), "2 rows of 5 class probabilities",
                 "keras.Model(inputs=[image, metadata], ...): image first")


def test_output_layer_is_named_class(learner):
    model = learner.build_multi_input_model()
    if list(model.output_names) != ["class"]:
        raise fail("output_names == ['class']", f"{list(model.output_names)}",
                   "Dense(num_classes, activation='softmax', name='class')")
