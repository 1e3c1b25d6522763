"""The quantization page: the matched MNIST CNN measured before and after int8 (``measure``)."""
