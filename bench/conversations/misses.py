"""Which expected objects are not found, as counts a held-out split may show.

For each object type: how many objects the conversations expect, how many were found, how
many were not stored at all (no record of the type carries the key value), and, for those
stored, which field kept them from being found. Only counts are printed, never a value or a
line of text, so it runs on the frozen splits as well: it says which part of understanding
loses the most objects (firms never recognised, a person's job missed) without showing which.

python -m bench.conversations.misses --split holdout
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench.conversations` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.conversations.run import ConversationResult, split_from_args
from bench.conversations.scoring import KEY_MISSING


def misses(results: Iterable[ConversationResult]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Missed objects by type, and (type, field or `KEY_MISSING`) -> how many missed by it
    (an object missing two fields counts under both)."""
    by_type: Counter[str] = Counter()
    by_field: Counter[tuple[str, str]] = Counter()
    for result in results:
        for object_type, why in result.missed_fields:
            by_type[object_type] += 1
            by_field.update((object_type, field) for field in why)
    return by_type, by_field


def render(
    split: str, expected: Counter[str], by_type: Counter[str], by_field: Counter[tuple[str, str]]
) -> str:
    """A table of the counts: per type, expected, found, not stored, then each field's."""
    lines = [
        f"{split}: {sum(by_type.values())} of {sum(expected.values())} expected objects not found",
        "",
        "| type | expected | found | not stored | missing a field |",
        "|---|---:|---:|---:|---|",
    ]
    for object_type in sorted(expected, key=lambda t: (-by_type[t], t)):
        fields = sorted(
            ((f, n) for (t, f), n in by_field.items() if t == object_type and f != KEY_MISSING),
            key=lambda item: (-item[1], item[0]),
        )
        said = ", ".join(f"{f} {n}" for f, n in fields) or "-"
        lines.append(
            f"| {object_type} | {expected[object_type]} | "
            f"{expected[object_type] - by_type[object_type]} | "
            f"{by_field[object_type, KEY_MISSING]} | {said} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    split, conversations, results = split_from_args(argv, __doc__)
    expected = Counter(o.type for c in conversations for o in c.objects)
    print(render(split, expected, *misses(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
