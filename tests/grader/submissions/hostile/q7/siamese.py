"""A q7 with a syntax error: nothing of it can run."""

def euclidean_distance(a, b)
    return a - b
