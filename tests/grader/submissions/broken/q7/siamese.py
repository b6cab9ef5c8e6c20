"""A q7 that kills its own process in the middle of a test."""

import os


def euclidean_distance(a, b):
    os._exit(0)


def build_encoder(input_shape, embedding_dim=32):
    os._exit(3)


def build_siamese(input_shape):
    os._exit(0)


def contrastive_loss(y_true, distance, margin=1.0):
    os._exit(0)
