"""pydantic models whose validators are built at their first use, for the modules imported
while `models_built_when_used()` is open.

pydantic builds a model's validator and serializer when its class is made. The SDK's
`mcp_types` defines about 490 models (every type of every protocol version it speaks) and
the server uses a few dozen of them in a session; the `xmemory` SDK adds 20 more. Built when
first used (pydantic's `defer_build`, here the default of the models made while the block
runs), the server's start-up imports took ~170-240 ms less CPU on the benchmark machine,
of which the first answers then spent some back building the models they use: about
90 ms less to the first `read` answered (issue 11, `bench/peers.py`).

pydantic has no public setting for a default of every model: this sets its default in
`pydantic._internal._config`. Where that is not found (another pydantic), nothing is done
and the models are built as usual. Models made after the block are built as usual too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def models_built_when_used() -> Iterator[None]:
    """Within the block, a new pydantic model (one that does not say otherwise) builds its
    validator at its first use instead of when its class is made."""
    try:
        from pydantic._internal._config import config_defaults
    except ImportError:  # pragma: no cover - a pydantic without it: nothing deferred
        yield
        return
    if config_defaults.get("defer_build") is not False:  # pragma: no cover - set by others
        yield
        return
    config_defaults["defer_build"] = True
    try:
        yield
    finally:
        config_defaults["defer_build"] = False
