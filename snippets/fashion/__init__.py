"""Fashion-MNIST in both frameworks: a modern CNN, its explicit defaults, and a weight port."""
