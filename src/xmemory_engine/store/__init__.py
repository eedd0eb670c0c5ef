"""SQL storage behind one small interface (`base.py`); SQLite today, PostgreSQL later."""

from xmemory_engine.store.base import (
    Catalog,
    ClusterRow,
    InstanceData,
    InstanceRow,
    JobRow,
    Record,
    Tables,
)
from xmemory_engine.store.catalog import SqliteCatalog
from xmemory_engine.store.instance import SqliteInstanceData

__all__ = [
    "Catalog",
    "ClusterRow",
    "InstanceData",
    "InstanceRow",
    "JobRow",
    "Record",
    "SqliteCatalog",
    "SqliteInstanceData",
    "Tables",
]
