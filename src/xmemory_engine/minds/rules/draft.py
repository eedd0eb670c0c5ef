"""An object being built from text: values that already passed their field's coercion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xmemory_engine.minds.rules.schema_map import field_for, notes_field
from xmemory_engine.minds.rules.text import value_before_a_stop
from xmemory_engine.schema import ObjectSpec


@dataclass
class Draft:
    spec: ObjectSpec
    ref: str
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # sentences for the free-text field
    fills: set[str] = field(default_factory=set)  # fields given only by a group (`put`)

    def put(self, fname: str | None, value: Any, *, fills: bool = False) -> bool:
        """Store `value` in `fname` when it fits the field; True when the fact is held.

        A field keeps its first value; repeating that value counts as held, a different one
        does not (the sentence then stays in the notes). With `fills`, the value is what a
        group the object is listed in is called: a stored record keeps a value of its own.
        """
        if fname is None or fname not in self.spec.fields or value is None:
            return False
        if isinstance(value, str):
            cut = value_before_a_stop(value)
            if cut != value and fname not in self._free_text():
                # A stop before a small letter ends what a value says, in text written
                # without capitals that no sentence break cut ("brush. yuki says go half a
                # size down"); the notes keep the rest.
                value = cut
            # A dash set off before or after a value only joins it to its sentence
            # ("methods — done"); a value with no letter or digit ("—") says nothing.
            value = value.strip().strip(",;:\u2013\u2014").strip()
            if not any(c.isalnum() for c in value):
                return False
        try:
            coerced = self.spec.fields[fname].coerce(value)
        except ValueError:
            return False
        if fname in self.values:
            held = self.values[fname]
            if isinstance(held, str) and isinstance(coerced, str):
                return held.casefold() == coerced.casefold()
            return bool(held == coerced)
        self.values[fname] = coerced
        if fills:
            self.fills.add(fname)
        return True

    def _free_text(self) -> set[str | None]:
        return {notes_field(self.spec), field_for(self.spec, "content", ("str",))}

    def has(self, fname: str | None) -> bool:
        return fname is not None and fname in self.values

    def missing_required(self) -> list[str]:
        return [n for n, f in self.spec.fields.items() if f.required and n not in self.values]
