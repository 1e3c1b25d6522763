"""The Fashion-MNIST page: its seeded training runs (``runs``), their results, the page's
numbers and tables (``report``) and figures (``figures``)."""
