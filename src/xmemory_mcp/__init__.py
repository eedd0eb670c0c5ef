"""The xmemory MCP server: tools built from an instance's describe(), over stdio or HTTP.

    xmemory-mcp            (or: python -m xmemory_mcp)

`cli` reads flags and environment into `settings.Settings`; `backend` opens the memory they
point at as one `xmemory.AsyncXmemoryClient` (in the background); `server.MemoryServer` serves
the tools `tools` builds from describe(), validated by `validation` and carried out by
`operations`; `snapshot` keeps the last catalog for a fast start; `http` adds the SSE and
streamable-HTTP transports with their request guard; `sessions` is the sampling seam.
"""
