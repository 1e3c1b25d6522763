"""The benchmarks page: what is measured (``measure``, in the build's process), the measuring
processes (``processes``, ``worker``), counted FLOPs (``flops``), the results, the page's
tables (``report``) and figures (``figures``)."""
