"""The shared kit under every measured page: running a module in its own process, the
content-keyed cache (lock, atomic write, validation), typed result records with one decoder,
the two frameworks' registry, the Markdown table writer, the machine and versions a result
was measured with, and figure data. The kit imports no measured page."""
