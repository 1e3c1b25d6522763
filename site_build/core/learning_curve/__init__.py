"""The learning-curve page's generated results: the Keras classifier on each Keras 3 backend."""
