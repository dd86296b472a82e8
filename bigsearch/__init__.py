"""bigsearch: full-text search over the minutes of BIG – Brottsförebyggarna i Gävle."""

__version__ = "0.1.0"
