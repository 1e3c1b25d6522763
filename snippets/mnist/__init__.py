"""MNIST classifier in both frameworks: data, pipeline, matched model, training, evaluation."""
