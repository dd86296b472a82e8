"""The index format's version: bump it whenever fields or analysis change, and indexes are rebuilt."""

SCHEMA_VERSION = 7
