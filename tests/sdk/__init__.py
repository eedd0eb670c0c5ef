"""Tests of the xmemory SDK."""
