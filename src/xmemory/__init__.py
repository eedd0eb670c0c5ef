"""The xmemory SDK: sync and async clients for the xmemory HTTP API."""
