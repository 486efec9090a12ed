"""The benchmark of the sandbox against a bare Flask app (``python bench/run.py``)."""
