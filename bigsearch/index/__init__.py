"""The one sync for every engine (sync.py), and its ingest worker process (ingest_worker.py)."""
