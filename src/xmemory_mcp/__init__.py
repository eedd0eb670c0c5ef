"""The xmemory MCP server: tools built from an instance's describe(), over stdio or HTTP.

    xmemory-mcp            (or: python -m xmemory_mcp)

`cli` reads flags and environment into `settings.Settings`; `backend` opens the memory they
point at as one `xmemory.AsyncXmemoryClient`; `server.MemoryServer` serves its tools; `http`
adds the SSE and streamable-HTTP transports with their request guard.
"""
