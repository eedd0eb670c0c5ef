# xmemory-mcp over streamable HTTP, on the embedded engine, data in the /data volume.
#
#   docker build -t xmemory-mcp .
#   docker run -p 8000:8000 -v xmemory:/data -e XMEM_MCP_AUTH_TOKEN="$(openssl rand -hex 32)" xmemory-mcp
#
# Clients connect to http://HOST:8000/mcp with "Authorization: Bearer <token>". Without a token
# the server refuses to start: it listens on 0.0.0.0, beyond loopback. Pass XMEM_AUTH_TOKEN (and
# optionally XMEM_API_URL) instead to serve the hosted xmemory API rather than the local engine.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XMEM_DATA_DIR=/data
RUN useradd --system --uid 10001 --home-dir /home/xmemory --create-home xmemory \
    && mkdir /data && chown xmemory:xmemory /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER xmemory
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["xmemory-mcp", "--transport", "streamable-http", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--log-level", "info"]
