"""A q15 whose functions return the wrong kinds of things."""


def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    return "not a tensor"


FocalLoss = None
