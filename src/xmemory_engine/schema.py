"""XMD: the schema language of an instance, parsed and validated into a typed model.

A schema names object types (each one SQL table) and relations between them (each one link
table). The table layout is fixed here, once, so that the store, the minds and anyone reading
the SQL by hand agree on it:

- object type `contact` -> table `contact` with columns `xuid` (primary key), one column per
  field, `created_at`, `updated_at`;
- relation `works_at` with roles `{employee: contact, employer: company}` -> table `works_at`
  with columns `xuid`, `employee_xuid`, `employer_xuid`, one column per relation field,
  `created_at`, `updated_at`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from xmemory_engine import strict_json
from xmemory_engine.errors import SchemaInvalid
from xmemory_engine.sentences import lazy_compile

FieldType = Literal["str", "int", "float", "bool", "date", "datetime"]

# Spellings seen on the wire, mapped to the one we store.
_TYPE_ALIASES: dict[str, FieldType] = {
    "str": "str",
    "string": "str",
    "text": "str",
    "int": "int",
    "integer": "int",
    "float": "float",
    "number": "float",
    "double": "float",
    "bool": "bool",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime",
    "timestamp": "datetime",
}
_SQL_TYPES: dict[FieldType, str] = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "REAL",
    "bool": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
# Columns every table has; a schema may not declare fields with these names.
SYSTEM_COLUMNS = ("xuid", "created_at", "updated_at")
# SQLite reserves `sqlite_` for itself. The engine's own tables start with `_xm_`, which a
# schema name (it must start with a letter) can never collide with.
RESERVED_PREFIX = "sqlite_"
INTERNAL_PREFIX = "_xm_"
# Bounds that keep every valid schema creatable: SQLite allows 2,000 columns in a table, and
# parsing recurses once per level of nesting (XMD needs six).
MAX_SCHEMA_DEPTH = 32
MAX_FIELDS = 1000
MAX_ROLES = 16
MAX_TYPES = 500
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
"""What SQLite's INTEGER holds."""


@dataclass(frozen=True)
class FieldSpec:
    """One typed field of an object type or relation."""

    type: FieldType = "str"
    required: bool = False
    description: str | None = None
    enum: tuple[Any, ...] | None = None

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.type]

    def coerce(self, value: Any) -> Any:
        """The value as stored, or ValueError saying why it does not fit this field."""
        if value is None:
            return None
        coerced = _coerce(self.type, value)
        if self.enum is not None and coerced not in self.enum:
            allowed = ", ".join(str(v) for v in self.enum)
            raise ValueError(f"{value!r} is not one of the allowed values ({allowed})")
        return coerced

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "required": self.required}
        if self.description:
            data["description"] = self.description
        if self.enum is not None:
            data["enum"] = list(self.enum)
        return data


@dataclass(frozen=True)
class ObjectSpec:
    """One object type: a table of records with typed fields."""

    name: str
    fields: dict[str, FieldSpec]
    description: str | None = None
    primary_key: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.name

    def columns(self) -> list[tuple[str, str]]:
        """(column, SQL type) in table order."""
        cols = [("xuid", "TEXT")]
        cols += [(name, spec.sql_type) for name, spec in self.fields.items()]
        cols += [("created_at", "TEXT"), ("updated_at", "TEXT")]
        return cols

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.description:
            data["description"] = self.description
        if self.primary_key:
            data["primary_key"] = list(self.primary_key)
        data["fields"] = {name: spec.to_data() for name, spec in self.fields.items()}
        return data


@dataclass(frozen=True)
class RelationSpec:
    """One relation: a link table between roles, each role played by an object type."""

    name: str
    roles: dict[str, str]  # role name -> object type
    description: str | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.name

    @staticmethod
    def role_column(role: str) -> str:
        return f"{role}_xuid"

    def columns(self) -> list[tuple[str, str]]:
        cols = [("xuid", "TEXT")]
        cols += [(self.role_column(role), "TEXT") for role in self.roles]
        cols += [(name, spec.sql_type) for name, spec in self.fields.items()]
        cols += [("created_at", "TEXT"), ("updated_at", "TEXT")]
        return cols

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.description:
            data["description"] = self.description
        data["objects"] = dict(self.roles)
        if self.fields:
            data["fields"] = {name: spec.to_data() for name, spec in self.fields.items()}
        return data


@dataclass(frozen=True)
class Schema:
    """A validated instance schema."""

    objects: dict[str, ObjectSpec]
    relations: dict[str, RelationSpec] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """The schema as the XMD mapping served as `data_schema`."""
        data: dict[str, Any] = {"objects": {n: o.to_data() for n, o in self.objects.items()}}
        if self.relations:
            data["relations"] = {n: r.to_data() for n, r in self.relations.items()}
        return data

    def to_yaml(self) -> str:
        import yaml  # here, not at import: start-up writes and reads no schema as YAML

        return yaml.safe_dump(self.to_data(), sort_keys=False, allow_unicode=True)

    def table_names(self) -> list[str]:
        return [o.table for o in self.objects.values()] + [r.table for r in self.relations.values()]

    def object(self, name: str) -> ObjectSpec:
        """The object type called `name` (exact, else case-insensitive), or KeyError."""
        if name in self.objects:
            return self.objects[name]
        folded = {n.lower(): o for n, o in self.objects.items()}
        try:
            return folded[name.lower()]
        except KeyError:
            raise KeyError(name) from None

    def relation(self, name: str) -> RelationSpec:
        if name in self.relations:
            return self.relations[name]
        folded = {n.lower(): r for n, r in self.relations.items()}
        try:
            return folded[name.lower()]
        except KeyError:
            raise KeyError(name) from None


# -- parsing -----------------------------------------------------------------------------------


def parse_schema(text: str, schema_type: str = "yml") -> Schema:
    """Parse YAML (`yml`) or JSON (`json`, `json_schema`) schema text; SchemaInvalid on any fault."""
    if not isinstance(text, str) or not text.strip():
        raise SchemaInvalid("the schema text is empty", field="instance_schema")
    too_deep = SchemaInvalid(
        f"the schema is nested deeper than {MAX_SCHEMA_DEPTH} levels",
        field="instance_schema",
        details={"limit_depth": MAX_SCHEMA_DEPTH},
    )
    try:
        if schema_type in ("json", "json_schema"):
            data = strict_json.loads(text, max_depth=MAX_SCHEMA_DEPTH)
        elif schema_type in ("yml", "yaml"):
            data = _load_yaml(text, too_deep)
        else:
            raise SchemaInvalid(
                f"unknown schema type {schema_type!r}; use 'yml' or 'json'", field="instance_schema"
            )
    except strict_json.JsonRefused as exc:
        if exc.too_deep:
            raise too_deep from None
        raise SchemaInvalid(
            f"the schema text does not parse: {exc.message}", field="instance_schema"
        ) from None
    except ValueError as exc:  # `!!timestamp 2020-13-01` is a ValueError
        raise SchemaInvalid(
            f"the schema text does not parse: {exc}", field="instance_schema"
        ) from exc
    except RecursionError:  # aliases can nest what the token count did not see
        raise too_deep from None
    return schema_from_data(data)


def _load_yaml(text: str, too_deep: SchemaInvalid) -> Any:
    """A user's YAML schema as data. PyYAML is imported here, on the first YAML schema: the
    engine's own default schema is read from JSON (`datafiles`), so start-up needs none."""
    import yaml

    if _yaml_nesting_exceeds(text, MAX_SCHEMA_DEPTH):
        raise too_deep
    try:
        return yaml.load(text, Loader=_xmd_loader())  # a SafeLoader
    except yaml.YAMLError as exc:
        raise SchemaInvalid(
            f"the schema text does not parse: {exc}", field="instance_schema"
        ) from exc


@functools.lru_cache(maxsize=1)
def _xmd_loader() -> type[Any]:
    import yaml

    class XmdLoader(yaml.SafeLoader):
        """YAML as XMD reads it: `2026-11-30` stays the text it was written as, as in JSON (a
        date object fits no field type, and a date that does not exist crashed the loader)."""

    XmdLoader.yaml_implicit_resolvers = {
        first: [(tag, rule) for tag, rule in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return XmdLoader


def _yaml_nesting_exceeds(text: str, max_depth: int) -> bool:
    """Whether YAML collections nest deeper than `max_depth`; the scanner does not recurse,
    the parser does (10,000 `[` was a RecursionError). A scan error is left to the parser."""
    import yaml

    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, opening):
                depth += 1
                if depth > max_depth:
                    return True
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        return False
    return False


def schema_from_data(data: Any) -> Schema:
    """Validate an XMD mapping (already parsed) into a Schema."""
    if not isinstance(data, dict):
        raise SchemaInvalid("a schema is a mapping with an 'objects' key", field="$")
    unknown = set(data) - {"objects", "relations"}
    if unknown:
        raise SchemaInvalid(
            f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}", field="$"
        )
    raw_objects = data.get("objects")
    if not isinstance(raw_objects, dict) or not raw_objects:
        raise SchemaInvalid(
            "'objects' must be a non-empty mapping of object types", field="objects"
        )
    raw_relations = data.get("relations") or {}
    if not isinstance(raw_relations, dict):
        raise SchemaInvalid("'relations' must be a mapping", field="relations")
    if len(raw_objects) + len(raw_relations) > MAX_TYPES:
        raise SchemaInvalid(
            f"{len(raw_objects) + len(raw_relations):,} object types and relations; the limit "
            f"is {MAX_TYPES:,}",
            field="objects",
            details={"limit_types": MAX_TYPES},
        )
    objects = {
        name: _parse_object(name, spec, f"objects.{name}") for name, spec in raw_objects.items()
    }
    relations: dict[str, RelationSpec] = {}
    for name, spec in raw_relations.items():
        path = f"relations.{name}"
        _check_name(name, path)
        if name.lower() in {o.lower() for o in objects}:
            raise SchemaInvalid(
                f"relation {name!r} has the same name as an object type", field=path
            )
        relations[name] = _parse_relation(name, spec, objects, path)
    lowered = [n.lower() for n in objects]
    if len(set(lowered)) != len(lowered):
        raise SchemaInvalid("two object types differ only in case", field="objects")
    lowered_rel = [n.lower() for n in relations]
    if len(set(lowered_rel)) != len(lowered_rel):
        raise SchemaInvalid("two relations differ only in case", field="relations")
    _check_table_names([*objects, *relations])
    return Schema(objects=objects, relations=relations)


def _check_table_names(names: list[str]) -> None:
    """The store names a table's indexes `<table>__<what>`; a type called that would collide."""
    lowered = sorted(n.lower() for n in names)
    for name in lowered:
        for other in lowered:
            if other != name and other.startswith(name + "__"):
                raise SchemaInvalid(
                    f"{other!r} starts with the name of {name!r} and '__', which the engine "
                    "uses for that table's indexes; choose another name",
                    field=other,
                )


def _parse_object(name: Any, spec: Any, path: str) -> ObjectSpec:
    _check_name(name, path)
    if not isinstance(spec, dict):
        raise SchemaInvalid("an object type is a mapping with 'fields'", field=path)
    unknown = set(spec) - {"description", "primary_key", "fields"}
    if unknown:
        raise SchemaInvalid(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}", field=path)
    fields = _parse_fields(spec.get("fields"), f"{path}.fields", required_nonempty=True)
    pk = spec.get("primary_key") or []
    if isinstance(pk, str):
        pk = [pk]
    if not isinstance(pk, list) or not all(isinstance(k, str) for k in pk):
        raise SchemaInvalid("primary_key is a list of field names", field=f"{path}.primary_key")
    for key in pk:
        if key not in fields:
            raise SchemaInvalid(
                f"primary_key names {key!r}, which is not a field", field=f"{path}.primary_key"
            )
    return ObjectSpec(
        name=name,
        fields=fields,
        description=_optional_text(spec.get("description"), f"{path}.description"),
        primary_key=tuple(pk),
    )


def _parse_relation(
    name: str, spec: Any, objects: dict[str, ObjectSpec], path: str
) -> RelationSpec:
    if not isinstance(spec, dict):
        raise SchemaInvalid("a relation is a mapping with 'objects'", field=path)
    unknown = set(spec) - {"description", "objects", "fields"}
    if unknown:
        raise SchemaInvalid(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}", field=path)
    roles = spec.get("objects")
    if not isinstance(roles, dict) or len(roles) < 2:
        raise SchemaInvalid(
            "'objects' maps at least two role names to object types", field=f"{path}.objects"
        )
    if len(roles) > MAX_ROLES:
        raise SchemaInvalid(
            f"{len(roles)} roles; a relation has at most {MAX_ROLES}",
            field=f"{path}.objects",
            details={"limit_roles": MAX_ROLES},
        )
    for role, target in roles.items():
        _check_name(role, f"{path}.objects.{role}")
        if target not in objects:
            raise SchemaInvalid(
                f"role {role!r} refers to unknown object type {target!r}",
                field=f"{path}.objects.{role}",
            )
    if len({str(r).lower() for r in roles}) != len(roles):
        raise SchemaInvalid("two roles differ only in case", field=f"{path}.objects")
    fields = _parse_fields(spec.get("fields"), f"{path}.fields", required_nonempty=False)
    # SQLite column names are case-insensitive.
    clash = {RelationSpec.role_column(r).lower() for r in roles} & {f.lower() for f in fields}
    if clash:
        raise SchemaInvalid(f"field(s) clash with role columns: {sorted(clash)}", field=path)
    return RelationSpec(
        name=name,
        roles=dict(roles),
        description=_optional_text(spec.get("description"), f"{path}.description"),
        fields=fields,
    )


def _parse_fields(raw: Any, path: str, *, required_nonempty: bool) -> dict[str, FieldSpec]:
    if raw is None and not required_nonempty:
        return {}
    if not isinstance(raw, dict) or (required_nonempty and not raw):
        raise SchemaInvalid("'fields' must be a non-empty mapping of field names", field=path)
    if len(raw) > MAX_FIELDS:
        raise SchemaInvalid(
            f"{len(raw):,} fields; the limit is {MAX_FIELDS:,} per object type or relation",
            field=path,
            details={"limit_fields": MAX_FIELDS},
        )
    fields: dict[str, FieldSpec] = {}
    seen: dict[str, str] = {}
    for name, spec in raw.items():
        fpath = f"{path}.{name}"
        _check_name(name, fpath)
        if name.lower() in SYSTEM_COLUMNS:
            raise SchemaInvalid(f"{name!r} is reserved for the engine's own column", field=fpath)
        if name.lower() in seen:  # SQLite column names are case-insensitive
            raise SchemaInvalid(
                f"fields {seen[name.lower()]!r} and {name!r} differ only in case", field=fpath
            )
        seen[name.lower()] = name
        fields[name] = _parse_field(spec, fpath)
    return fields


def _parse_field(spec: Any, path: str) -> FieldSpec:
    if isinstance(spec, str):  # shorthand: `name: str`
        spec = {"type": spec}
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise SchemaInvalid("a field is a mapping like {type: str}", field=path)
    unknown = set(spec) - {"type", "required", "description", "enum"}
    if unknown:
        raise SchemaInvalid(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}", field=path)
    raw_type = spec.get("type", "str")
    ftype = _TYPE_ALIASES.get(str(raw_type).lower()) if isinstance(raw_type, str) else None
    if ftype is None:
        raise SchemaInvalid(
            f"unknown type {raw_type!r}; use str, int, float, bool, date or datetime",
            field=f"{path}.type",
        )
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise SchemaInvalid("'required' is true or false", field=f"{path}.required")
    enum = spec.get("enum")
    enum_values: tuple[Any, ...] | None = None
    if enum is not None:
        if not isinstance(enum, list) or not enum:
            raise SchemaInvalid("'enum' is a non-empty list", field=f"{path}.enum")
        try:
            enum_values = tuple(_coerce(ftype, v) for v in enum)
        except ValueError as exc:
            raise SchemaInvalid(
                f"enum value does not fit {ftype}: {exc}", field=f"{path}.enum"
            ) from exc
    return FieldSpec(
        type=ftype,
        required=required,
        description=_optional_text(spec.get("description"), f"{path}.description"),
        enum=enum_values,
    )


def _check_name(name: Any, path: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SchemaInvalid(
            f"{name!r} is not a valid name (a letter, then letters, digits or '_', at most 63)",
            field=path,
        )
    if name.lower().startswith(RESERVED_PREFIX):
        raise SchemaInvalid(f"names starting with {RESERVED_PREFIX!r} are reserved", field=path)


def _optional_text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and not strict_json.has_lone_surrogate(value):
        return value
    raise SchemaInvalid("a description is (Unicode) text", field=path)


# -- values ------------------------------------------------------------------------------------

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
# Compiled at their first use (`lazy_compile`): dates are checked as values are written, and
# a server's first answer is usually a read.
_DATE = lazy_compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = lazy_compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _coerce(ftype: FieldType, value: Any) -> Any:
    """Coerce a value to a field type, strictly enough that garbage is refused."""
    if ftype == "str":
        if isinstance(value, str):
            # ASCII holds no surrogate: the search is for the rest (it was ~1 us a value).
            if not value.isascii() and strict_json.has_lone_surrogate(value):
                raise ValueError("the text holds a lone surrogate, which is not Unicode")
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError(f"expected text, got {type(value).__name__}")
    if ftype == "int":
        return _coerce_int(value)
    if ftype == "float":
        return _coerce_float(value)
    if ftype == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(f"expected true or false, got {value!r}")
    if ftype == "date":
        if isinstance(value, str) and _DATE.match(value.strip()) and _real_date(value.strip()):
            return value.strip()
        raise ValueError(f"expected an ISO date (YYYY-MM-DD) that exists, got {_short(value)}")
    # datetime
    if isinstance(value, str) and _real_datetime(value.strip()):
        return value.strip()
    raise ValueError(f"expected an ISO-8601 date-time that exists, got {_short(value)}")


def _short(value: Any) -> str:
    """A value for an error message: its repr, cut short (a caller may send 100,000 chars)."""
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _coerce_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer, got a boolean")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,30}\s*", value):
        number = int(value.strip())
    if number is None:
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            raise ValueError(f"{len(value.strip()):,} digits is out of the integer range")
        raise ValueError(f"expected an integer, got {_short(value)}")
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(
            f"{_short(value)} is out of the integer range (-2^63 to 2^63-1); use a float "
            "or text field for larger numbers"
        )
    return number


def _coerce_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    number: float | None = None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str) and len(value) <= 400:
            number = float(value.strip())
    except (ValueError, OverflowError):
        number = None
    if number is None:
        raise ValueError(f"expected a number, got {_short(value)}")
    if not math.isfinite(number):
        raise ValueError(f"{_short(value)} is not a finite number")
    return number


_CLOCK = lazy_compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?$")


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def _real_datetime(text: str) -> bool:
    """`YYYY-MM-DD`, or that with `T`/space and a time of day that exists (and its offset)."""
    if _DATE.match(text):
        return _real_date(text)
    if not _DATETIME.match(text) or not _real_date(text):
        return False
    clock = _CLOCK.match(text[11:])
    if clock is None:
        return False
    hour, minute, second, off_h, off_m = (int(g) if g else 0 for g in clock.groups())
    return hour < 24 and minute < 60 and second < 60 and off_h < 24 and off_m < 60


# -- evolution ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaUpdate:
    """What an additive schema change adds; everything else stays as it was."""

    new_objects: tuple[str, ...] = ()
    new_fields: tuple[tuple[str, str], ...] = ()  # (object type, field)
    new_relations: tuple[str, ...] = ()
    new_relation_fields: tuple[tuple[str, str], ...] = ()  # (relation, field)

    @property
    def is_empty(self) -> bool:
        return not (
            self.new_objects or self.new_fields or self.new_relations or self.new_relation_fields
        )


def plan_schema_update(old: Schema, new: Schema) -> SchemaUpdate:
    """The additive change from `old` to `new`, or SchemaInvalid explaining what is not additive.

    Until migrations exist, data is never dropped or reinterpreted: removing an object type,
    field or relation, changing a type, a primary key or a relation's roles, or narrowing an
    enum is refused.
    """
    new_objects: list[str] = []
    new_fields: list[tuple[str, str]] = []
    for name, obj in old.objects.items():
        path = f"objects.{name}"
        if name not in new.objects:
            raise SchemaInvalid(
                f"object type {name!r} would be removed; removing object types is not supported "
                "(its data would be lost) — keep it in the new schema",
                field=path,
            )
        newer = new.objects[name]
        if newer.primary_key != obj.primary_key:
            raise SchemaInvalid(
                f"the primary key of {name!r} would change from {list(obj.primary_key)} to "
                f"{list(newer.primary_key)}; changing a primary key is not supported",
                field=f"{path}.primary_key",
            )
        _check_fields_kept(obj.fields, newer.fields, f"{path}.fields")
        new_fields += [(name, f) for f in newer.fields if f not in obj.fields]
    new_objects = [n for n in new.objects if n not in old.objects]
    new_relation_fields: list[tuple[str, str]] = []
    for name, rel in old.relations.items():
        path = f"relations.{name}"
        if name not in new.relations:
            raise SchemaInvalid(
                f"relation {name!r} would be removed; removing relations is not supported",
                field=path,
            )
        newer_rel = new.relations[name]
        if newer_rel.roles != rel.roles:
            raise SchemaInvalid(
                f"the roles of relation {name!r} would change; changing roles is not supported",
                field=f"{path}.objects",
            )
        _check_fields_kept(rel.fields, newer_rel.fields, f"{path}.fields")
        new_relation_fields += [(name, f) for f in newer_rel.fields if f not in rel.fields]
    new_relations = [n for n in new.relations if n not in old.relations]
    return SchemaUpdate(
        new_objects=tuple(new_objects),
        new_fields=tuple(new_fields),
        new_relations=tuple(new_relations),
        new_relation_fields=tuple(new_relation_fields),
    )


def _check_fields_kept(old: dict[str, FieldSpec], new: dict[str, FieldSpec], path: str) -> None:
    for fname, fspec in old.items():
        if fname not in new:
            raise SchemaInvalid(
                f"field {fname!r} would be removed; removing fields is not supported",
                field=f"{path}.{fname}",
            )
        newer = new[fname]
        if newer.type != fspec.type:
            raise SchemaInvalid(
                f"field {fname!r} would change type from {fspec.type} to {newer.type}; "
                "changing a type is not supported",
                field=f"{path}.{fname}.type",
            )
        # Dropping an enum widens the field; adding one, or removing allowed values, narrows it
        # and stored values could stop fitting.
        narrowed = newer.enum is not None and (
            fspec.enum is None or not set(fspec.enum) <= set(newer.enum)
        )
        if narrowed:
            raise SchemaInvalid(
                f"field {fname!r} would accept fewer values; narrowing an enum is not supported",
                field=f"{path}.{fname}.enum",
            )
