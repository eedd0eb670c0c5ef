"""JSON text written with Python's C encoder made once.

`json.dumps` builds a `JSONEncoder` and its C encoder at every call, and `JSONEncoder.encode`
still builds the C encoder of a dict or a list at each call: for the small values the engine
writes by the thousand (a fact's value, a lookup's answer) that is half the time or more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def encoder_made_once(
    plain: Callable[[Any], str],
    *,
    key_separator: str,
    item_separator: str,
    allow_nan: bool,
    sample: Any,
) -> Callable[[Any], str]:
    """`plain` (a `json.dumps` or `JSONEncoder.encode` with `ensure_ascii=False`, no indent,
    no sorted keys, and these separators and `allow_nan`), with the C encoder made once. It is
    checked against `plain` on `sample`; where this Python has no C encoder, or it writes the
    sample otherwise, `plain` itself is returned. No cycle check: the values encoded are built
    fresh or parsed from JSON."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain

    def refuse(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    try:
        encoder = make(None, refuse, json.encoder.encode_basestring, None, key_separator,
                       item_separator, False, False, allow_nan)  # fmt: skip
    except TypeError:  # another signature
        return plain

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return plain(value)  # its own fast path
        return "".join(encoder(value, 0))

    try:
        agrees = encode(sample) == plain(sample)
    except Exception:  # pragma: no cover - a C encoder that cannot take the sample
        agrees = False
    return encode if agrees else plain
