# xmemory-mcp on the embedded engine, data in the /data volume.
#
#   docker build -t xmemory-mcp .
#
# Streamable HTTP (the default command): clients connect to http://HOST:8000/mcp and send
# "Authorization: Bearer <token>". Bound to 0.0.0.0, beyond loopback, the server refuses to start
# without a token:
#
#   docker run -d -p 8000:8000 -v xmemory:/data \
#       -e XMEM_MCP_AUTH_TOKEN="$(openssl rand -hex 32)" xmemory-mcp
#
# stdio (a client that starts the server itself, e.g. "command": "docker" with these as "args"):
# keep stdin open with -i and replace the default command's flags:
#
#   docker run -i --rm --no-healthcheck -v xmemory:/data xmemory-mcp --transport stdio
#
# Pass XMEM_AUTH_TOKEN (and optionally XMEM_API_URL) with -e to use the hosted xmemory API rather
# than the local engine. The process runs as uid:gid 10001:10001; a bind mount for /data must be
# writable by that uid.

FROM python:3.12-slim AS deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# The dependencies alone, read from pyproject.toml: this layer is rebuilt only when pyproject.toml
# changes, not on every change to the source (the version lives in src/, so a release does not
# rebuild it either). With the `semantic` extra (stored sentences found by meaning) and the
# `postgres` extra (--database-url, the team server of docs/team-server.md).
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['semantic'] + p['optional-dependencies']['postgres']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

FROM deps AS wheel
COPY README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    XMEM_DATA_DIR=/data
RUN groupadd --system --gid 10001 xmemory \
    && useradd --system --uid 10001 --gid 10001 --home-dir /home/xmemory --create-home xmemory \
    && mkdir /data && chown 10001:10001 /data
# Same content as long as the deps stage is cached, so this layer is reused too.
COPY --from=deps /opt/venv /opt/venv
COPY --from=wheel /dist /tmp/dist
RUN pip install --no-cache-dir --no-deps /tmp/dist/*.whl && rm -r /tmp/dist
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["xmemory-mcp"]
CMD ["--transport", "streamable-http", "--host", "0.0.0.0", "--port", "8000", "--log-level", "info"]
