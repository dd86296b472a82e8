"""Index engines behind one interface (interface.py), one entry each in the engine table
(registry.py): whoosh (the default, pure Python), tantivy (compiled, for large archives) and
opensearch (a cluster); records.py turns ingested documents into the records they all store."""
