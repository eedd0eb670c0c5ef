"""The xmemory MCP server."""
