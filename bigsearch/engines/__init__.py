"""Index engines behind one interface (interface.py): whoosh (default), tantivy."""
