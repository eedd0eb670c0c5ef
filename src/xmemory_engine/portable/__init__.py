"""Memory in and out of an instance: the portable line format (`lines`), and the formats of
other memory servers (`peers`): @modelcontextprotocol/server-memory's JSONL and basic-memory's
Markdown folders. See docs/portable-format.md.
"""
