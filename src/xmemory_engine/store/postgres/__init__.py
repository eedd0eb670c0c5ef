"""The engine's store on PostgreSQL (`pip install 'xmemory-mcp[postgres]'`).

    xmemory-mcp engine serve --database-url postgresql://USER@HOST/DB

One database holds everything: the catalog (clusters, instances, write jobs) in the schema
`xmemory`, and each instance in a schema of its own, `xm_<instance id>`, laid out as the SQLite
file is (`store/instance.py`): one table per object type and relation with real column types,
and the engine's own tables (applied writes, episodes, facts, passages, the name index).
Generated SQL runs under a role that may only read that one schema's record tables
(`reader.py`).

Nothing outside this package imports psycopg: the engine opens it only when a database URL is
configured (`embedded.open_engine`).
"""

from xmemory_engine.store.postgres.catalog import PostgresCatalog
from xmemory_engine.store.postgres.database import Database
from xmemory_engine.store.postgres.instance import PostgresInstanceData
from xmemory_engine.store.postgres.registry import PostgresRegistry

__all__ = ["Database", "PostgresCatalog", "PostgresInstanceData", "PostgresRegistry"]
