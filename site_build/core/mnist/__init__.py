"""The MNIST page: its training runs (``spec``, ``runs``, ``worker``), their results, the
page's numbers and tables (``report``) and figures (``figure_data``, ``figures``)."""
