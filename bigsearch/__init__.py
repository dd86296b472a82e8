"""bigsearch: full-text search over Swedish municipal minutes, starting with BIG – Brottsförebyggarna i Gävle.

The Python API: `bigsearch.open_index(path)` (see bigsearch/api.py).
"""

__version__ = "0.2.0"


def open_index(*args, **kwargs):
    """See bigsearch.api.open_index (imported on first use: `import bigsearch` stays cheap)."""
    from bigsearch.api import open_index as _open_index

    return _open_index(*args, **kwargs)
