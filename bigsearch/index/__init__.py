"""The Whoosh engine's storage and the one sync for every engine. Whoosh is patched where its
schema is defined (schema.py), so nothing here imports Whoosh until an index of it is used."""
