"""The one sync for every engine (writer.py), its worker processes, and engine_sync for an engine at hand."""
