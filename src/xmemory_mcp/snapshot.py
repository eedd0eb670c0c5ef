"""The inputs of the last tool catalog, kept beside the embedded engine's data.

Clients spawn the server on every launch and time it. With a snapshot of the bound instance's
last `describe()` (and the instance list), the first `tools/list` is answered before the engine
has even been imported; once it is open the catalog is rebuilt from a fresh `describe()`, and
clients are told to list again if anything changed. A missing, unreadable or mismatched
snapshot is simply not used.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xmemory import DescribeResult, InstanceInfo

logger = logging.getLogger(__name__)

FILE_NAME = "mcp-tools.json"
FORMAT = 1


@dataclass(frozen=True)
class CatalogInputs:
    """What a catalog is built from, apart from the settings."""

    describe: DescribeResult
    instances: list[InstanceInfo] | None
    bound_instance_id: str
    default_cluster_id: str | None


def load(path: Path, instance_selector: str | None) -> CatalogInputs | None:
    """The snapshot at `path`, if it was taken for the same `--instance` choice."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("instance_selector") != instance_selector:
            return None
        instances = data.get("instances")
        return CatalogInputs(
            describe=DescribeResult.model_validate(data["describe"]),
            instances=None
            if instances is None
            else [InstanceInfo.model_validate(i) for i in instances],
            bound_instance_id=str(data["bound_instance_id"]),
            default_cluster_id=data.get("default_cluster_id"),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        logger.info("ignoring the tool snapshot %s: %s", path, exc)
        return None


def save(path: Path, instance_selector: str | None, inputs: CatalogInputs) -> None:
    """Write the snapshot atomically; failing to write it only costs the next start-up time."""
    data = {
        "format": FORMAT,
        "instance_selector": instance_selector,
        "bound_instance_id": inputs.bound_instance_id,
        "default_cluster_id": inputs.default_cluster_id,
        "describe": inputs.describe.model_dump(mode="json"),
        # Without their schemas: the catalog only names instances.
        "instances": None
        if inputs.instances is None
        else [{"id": i.id, "name": i.name} for i in inputs.instances],
    }
    text = json.dumps(data, ensure_ascii=False)
    try:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return
        partial = path.with_name(path.name + ".tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        logger.info("could not write the tool snapshot %s: %s", path, exc)
