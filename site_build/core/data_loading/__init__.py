"""The data loading page: input pipeline throughput with and without parallelism (``measure``)."""
