"""MNIST classifier in both frameworks."""
