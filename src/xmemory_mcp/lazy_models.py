"""pydantic models and type adapters whose validators are built at their first use, for the
modules imported while `models_built_when_used()` is open.

pydantic builds a model's validator and serializer when its class is made, and a type
adapter's when it is made. The SDK's `mcp_types` defines about 490 models (every type of
every protocol version it speaks) and six adapters over unions of them that this server never
uses; a session uses a few dozen models; the `xmemory` SDK adds 20 more. Built when first used
(pydantic's `defer_build`), the server's start-up imports took ~170-240 ms less CPU on the
benchmark machine with the models deferred, ~40 ms more with the adapters too, of which the
first answers spend some back building what they use.

pydantic has no public setting for a default of every model or adapter: this sets its default
in `pydantic._internal._config`, and the property a `TypeAdapter` reads its own from. Where
either is not found (another pydantic), nothing is deferred and everything is built as usual.
What is made after the block is built as usual too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def models_built_when_used() -> Iterator[None]:
    """Within the block, a new pydantic model (one that does not say otherwise) or type
    adapter builds its validator at its first use instead of when it is made."""
    try:
        from pydantic import TypeAdapter
        from pydantic._internal._config import config_defaults
    except ImportError:  # pragma: no cover - a pydantic without it: nothing deferred
        yield
        return
    adapters = TypeAdapter.__dict__.get("_defer_build")
    if config_defaults.get("defer_build") is not False or not isinstance(adapters, property):
        yield  # pragma: no cover - another pydantic, or deferred by others already
        return
    config_defaults["defer_build"] = True
    # A type adapter's own `defer_build` is read from its config or its model's, never from
    # the defaults: its property says so for the adapters made meanwhile.
    TypeAdapter._defer_build = _ALWAYS  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        TypeAdapter._defer_build = adapters  # type: ignore[method-assign,assignment]
        config_defaults["defer_build"] = False


_ALWAYS = property(lambda self: True)
