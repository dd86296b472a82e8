"""Domain knowledge shared by ingest and search: principals and their aliases, places, Swedish dates,
the body a title names.

Below both layers: ingest reads protocols with it, search resolves what users type with it.
"""
