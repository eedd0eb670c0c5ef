"""The embedded xmemory engine: the xmemory HTTP API served from a local SQLite store."""
