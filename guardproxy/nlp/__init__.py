"""NLP plumbing: offline setup, the presidio engine factory, and the worker process pool.

`guardproxy.nlp.engine` is the only module that imports presidio, and it does so lazily,
so importing this package (or the checks that use it) stays cheap and never touches
the network.
"""
