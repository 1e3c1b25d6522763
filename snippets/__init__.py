"""Side-by-side snippets: a folder per topic, a ``<name>_torch.py``/``<name>_tf.py`` pair per idea.

This is a package so that every snippet imports as ``snippets.<topic>.<name>_<framework>``
and a topic folder can never shadow a real library of the same name.
"""
