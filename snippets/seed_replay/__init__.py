"""The seed article's two MNIST setups, run as its code has them."""
