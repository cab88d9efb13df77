#!/usr/bin/env python3
"""Generate one schema-valid JSON payload for every webhook event of the spec.

For each event of the `webhooks:` section of spec/polar-2026-10.openapi.json
this script walks the event's request-body schema (a
`components.schemas.Webhook*Payload`: `{type: const, timestamp, data}`) and
builds a payload from it:

  * every required property, and about two thirds of the optional ones
    (chosen per event and JSON path, so the four `order.*` events, which share
    the `Order` schema, exercise different optional fields);
  * `$ref`s are followed; for `anyOf`/`oneOf` a branch is chosen per event and
    path (rotating through the branches) and kept only if the value validates
    against it (for `oneOf`: against exactly that one branch);
  * `const`, `enum`, `format` (uuid, uuid4, date-time, date, email, uri,
    ipvanyaddress), `examples`, `minLength`/`maxLength`, `pattern`,
    `minimum`/`maximum`/`exclusiveMinimum`, `minItems`/`maxItems`,
    `prefixItems`, `additionalProperties` and `propertyNames` are honoured;
  * required nullable properties are sometimes `null`; optional properties
    that are included always get a non-null value (see "Nulls" below);
  * maps (`additionalProperties` schemas) get one entry per branch of their
    value schema, so `metadata` holds a string, an integer, a float and a
    boolean.

Nulls: the generated Rust models skip `None` when serializing optional
(non-required) properties, so an explicit `null` on an optional property
would not survive a decode/encode round trip; it is semantically the same as
an absent property and is not produced here.

Numbers typed `number` are never integral (`12.5`, not `12`), and date-times
are `YYYY-MM-DDTHH:MM:SSZ` or have six fractional digits whose last three are
not all zero, so that the Rust round-trip test can compare JSON values
exactly (`12` vs `12.0`, `.120000Z` vs `.12Z` would otherwise differ in text
while meaning the same).

Nothing is random: every choice is derived from a CRC-32 of the event name and
the JSON path, so rerunning produces byte-identical output.

Validation: every payload is validated against its schema with the pinned
`jsonschema` package (Draft 2020-12, which OpenAPI 3.1 schemas are), with
`#/components/schemas/...` references resolved through a `referencing`
registry holding the whole spec, and with format assertion on: the script
registers a checker for every `format` that occurs in the webhook schemas and
refuses to run if one occurs that it cannot check. Any validation error is
fatal.

A few properties that the schemas leave open but that must agree with the
variant they sit in (a repeating discount says `"duration": "repeating"`) are
pinned by the HINTS table; hinted values are validated like everything else.

Outputs, in generated-client/tests/data/webhooks/:

  payloads.json       a JSON list of `{"event": "<type>", "payload": {...}}`
                      sorted by event, exactly one entry per event of the
                      spec's `webhooks:` section;
  data_variants.json  for each distinct union used as an event's `data`
                      (`Benefit`, `BenefitGrantWebhook`, `Customer`,
                      `CustomerState`, `Discount`), one payload per branch:
                      `{"event", "variant": "<branch schema>", "payload"}`,
                      plus `also_matches` when the spec's branches overlap
                      (see build_variants).

Usage:
  python3 -m venv /tmp/whvenv
  /tmp/whvenv/bin/pip install --require-hashes -r scripts/requirements-webhooks.txt
  /tmp/whvenv/bin/python scripts/webhook_payloads.py            # write
  /tmp/whvenv/bin/python scripts/webhook_payloads.py --check    # verify
  /tmp/whvenv/bin/python scripts/webhook_payloads.py --stats    # print counts
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import ipaddress
import json
import re
import sys
import uuid
import zlib
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

import referencing
from jsonschema import Draft202012Validator, FormatChecker
from referencing.jsonschema import DRAFT202012

PINNED_VERSION = "4.26.0"

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "polar-2026-10.openapi.json"
DATA = ROOT / "generated-client" / "tests" / "data" / "webhooks"
OUTPUT = DATA / "payloads.json"
VARIANTS = DATA / "data_variants.json"
# The event names of the spec's `webhooks:` section, so the Rust tests can compare against
# the spec without reading files outside the crate (the packaged crate has no `../spec`).
EVENTS = DATA / "spec_events.json"

# The spec is registered under this URI, and every local reference is made
# absolute against it, so that any subschema can be validated on its own.
SPEC_URI = "urn:polar:openapi"
LOCAL_REF = "#/components/schemas/"

# Below this many nested objects, optional properties are included at the
# usual rate; deeper down only required properties are generated.
MAX_OPTIONAL_DEPTH = 6
# Hard stop against runaway recursion through required properties.
MAX_DEPTH = 40

# Keywords that carry no constraint and may sit next to a `$ref`.
ANNOTATIONS = {
    "title",
    "description",
    "examples",
    "example",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
    "x-speakeasy-enums",
}

# Keywords this generator knows how to satisfy. Anything else in a schema it
# walks is an error, so a new keyword in a future spec is not silently ignored.
HANDLED = ANNOTATIONS | {
    "$ref",
    "type",
    "const",
    "enum",
    "anyOf",
    "oneOf",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "maxProperties",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
}

BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)

# Values the schemas allow but do not pin, chosen so that a payload is also
# consistent with the variant it represents (the spec lets a
# `DiscountFixedRepeatDuration` say `"type": "percentage", "duration": "once"`).
# Schema name -> property -> allowed values (one is picked per event/path).
# Every hinted value is still validated against the property's schema.
HINTS: dict[str, dict[str, list]] = {
    "DiscountFixedOnceForeverDuration": {"type": ["fixed"], "duration": ["once", "forever"]},
    "DiscountFixedRepeatDuration": {"type": ["fixed"], "duration": ["repeating"]},
    "DiscountPercentageOnceForeverDuration": {"type": ["percentage"], "duration": ["once", "forever"]},
    "DiscountPercentageRepeatDuration": {"type": ["percentage"], "duration": ["repeating"]},
}
for _name in list(HINTS):
    # The checkout/order copies of the discount schemas share the same rules.
    HINTS["Checkout" + _name] = HINTS[_name]


# ---------------------------------------------------------------- formats ---

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def is_date_time(value: object) -> bool:
    """RFC 3339 `date-time` (JSON Schema's definition)."""
    if not isinstance(value, str):
        return True
    match = RFC3339.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        dt.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return second <= 60


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_uuid(value: object) -> bool:
    """RFC 4122 `uuid` in the canonical hyphenated form."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value):
        return False
    return uuid.UUID(value).variant == uuid.RFC_4122


def is_uuid4(value: object) -> bool:
    """Pydantic's `uuid4`: a version-4 UUID."""
    if not isinstance(value, str):
        return True
    return is_uuid(value) and uuid.UUID(value).version == 4


def is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value) is not None


def is_uri(value: object) -> bool:
    """An absolute URI with a scheme and, for http(s), a host."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or ""):
        return False
    return parts.scheme not in ("http", "https") or bool(parts.hostname)


def is_ip_address(value: object) -> bool:
    """Pydantic's `ipvanyaddress`: an IPv4 or IPv6 address."""
    if not isinstance(value, str):
        return True
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


FORMATS = {
    "date-time": is_date_time,
    "date": is_date,
    "uuid": is_uuid,
    "uuid4": is_uuid4,
    "email": is_email,
    "uri": is_uri,
    "ipvanyaddress": is_ip_address,
}


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


# ------------------------------------------------------------------- spec ---


def absolutize(node: Any) -> Any:
    """A copy of `node` with `#/components/...` refs made absolute."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
                out[key] = SPEC_URI + value
            else:
                out[key] = absolutize(value)
        return out
    if isinstance(node, list):
        return [absolutize(item) for item in node]
    return node


class Spec:
    def __init__(self, path: Path) -> None:
        self.document = json.loads(path.read_text(encoding="utf-8"))
        if not str(self.document.get("openapi", "")).startswith("3.1"):
            raise SystemExit(f"{path}: expected an OpenAPI 3.1 document")
        self.schemas: dict = self.document["components"]["schemas"]
        absolute = absolutize(self.document)
        resource = referencing.Resource.from_contents(absolute, default_specification=DRAFT202012)
        self.registry = referencing.Registry().with_resource(SPEC_URI, resource)
        self.checker = format_checker()

    def events(self) -> dict[str, str]:
        """Event name -> payload schema name, from the `webhooks:` section."""
        events = {}
        for name, item in self.document["webhooks"].items():
            operations = [op for method, op in item.items() if method in ("post", "put")]
            if len(operations) != 1:
                raise SystemExit(f"webhook {name}: expected exactly one POST operation")
            schema = operations[0]["requestBody"]["content"]["application/json"]["schema"]
            ref = schema.get("$ref", "")
            if not ref.startswith(LOCAL_REF):
                raise SystemExit(f"webhook {name}: request body is not a schema reference")
            events[name] = ref[len(LOCAL_REF):]
        return events

    def lookup(self, ref: str) -> tuple[str, dict]:
        if not ref.startswith(LOCAL_REF):
            raise SystemExit(f"unsupported $ref {ref!r}")
        name = ref[len(LOCAL_REF):]
        return name, self.schemas[name]

    def validator(self, schema: dict) -> Draft202012Validator:
        return Draft202012Validator(
            absolutize(schema), registry=self.registry, format_checker=self.checker
        )

    def is_valid(self, value: Any, schema: dict) -> bool:
        return self.validator(schema).is_valid(value)

    def errors(self, value: Any, schema: dict) -> list[str]:
        errors = sorted(self.validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
        return [f"{e.json_path}: {e.message}" for e in errors]

    def reachable(self, roots: list[str]) -> list[str]:
        """Names of the schemas reachable from `roots`, sorted."""
        seen = set(roots)
        stack = list(roots)

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "$ref" and isinstance(value, str):
                        name, _ = self.lookup(value)
                        if name not in seen:
                            seen.add(name)
                            stack.append(name)
                    elif key not in ("examples", "example", "default", "const", "enum"):
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        while stack:
            walk(self.schemas[stack.pop()])
        return sorted(seen)


def keywords_and_formats(schemas: list[dict]) -> tuple[set[str], set[str]]:
    """Schema keywords and `format` values used in `schemas` (not in data)."""
    keywords: set[str] = set()
    formats: set[str] = set()

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            keywords.add(key)
            if key == "format":
                formats.add(value)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    walk(sub)
            elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
                for sub in value:
                    walk(sub)
            elif key in ("items", "additionalProperties", "propertyNames", "not"):
                walk(value)

    for schema in schemas:
        walk(schema)
    return keywords, formats


# -------------------------------------------------------------- generator ---


def crc(*parts: str) -> int:
    return zlib.crc32("\x1f".join(parts).encode("utf-8"))


def is_null_schema(schema: dict) -> bool:
    return schema.get("type") == "null"


def humanize(name: str) -> str:
    words = re.sub(r"[_\-]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else "Value"


class GenerationError(Exception):
    """No valid value could be built for some part of a schema."""


class Generator:
    """Builds one payload for one event; all choices hash (event, path)."""

    def __init__(self, spec: Spec, event: str, forced: Optional[dict[str, int]] = None) -> None:
        self.spec = spec
        self.event = event
        # JSON path -> index of the union branch that must be taken there.
        self.forced = forced or {}
        self.optional_seen = 0
        self.optional_included = 0
        self.nulls = 0
        self.branches: dict[str, set[str]] = {}

    def pick(self, path: str, n: int, salt: str = "") -> int:
        return crc(self.event, path, salt) % n

    # -- entry point ------------------------------------------------------

    def generate(
        self, schema: dict, path: str = "$", *, depth: int = 0, name: str = "", schema_name: str = ""
    ) -> Any:
        """A value for `schema` at `path`; `schema_name` is the component the
        schema was reached through, if any (for HINTS)."""
        if depth > MAX_DEPTH:
            raise GenerationError(f"{self.event}: {path}: schema nests deeper than {MAX_DEPTH}")
        unknown = set(schema) - HANDLED
        if unknown:
            raise GenerationError(f"{self.event}: {path}: unsupported keywords {sorted(unknown)}")

        if "$ref" in schema:
            extra = set(schema) - ANNOTATIONS - {"$ref"}
            if extra:
                raise GenerationError(f"{self.event}: {path}: $ref with siblings {sorted(extra)}")
            ref_name, target = self.spec.lookup(schema["$ref"])
            return self.generate(target, path, depth=depth, name=name, schema_name=ref_name)
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if "enum" in schema:
            values = schema["enum"]
            return copy.deepcopy(values[self.pick(path, len(values), "enum")])
        if "anyOf" in schema or "oneOf" in schema:
            return self.union(schema, path, depth=depth, name=name)

        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            kind = non_null[self.pick(path, len(non_null), "type")] if non_null else "null"
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            return self.object(schema, path, depth=depth, schema_name=schema_name)
        if kind == "array":
            return self.array(schema, path, depth=depth, name=name)
        if kind == "string":
            return self.string(schema, path, name=name)
        if kind == "integer":
            return self.integer(schema, path)
        if kind == "number":
            return self.number(schema, path)
        if kind == "boolean":
            return self.pick(path, 2, "bool") == 0
        if kind == "null":
            self.nulls += 1
            return None
        if kind is None:
            # An unconstrained value (`{}` or `true`): any JSON goes.
            return f"{humanize(name)} value"
        raise GenerationError(f"{self.event}: {path}: unsupported type {kind!r}")

    # -- unions -----------------------------------------------------------

    def union(self, schema: dict, path: str, *, depth: int, name: str, prefer_null: bool = False) -> Any:
        keyword = "oneOf" if "oneOf" in schema else "anyOf"
        if "anyOf" in schema and "oneOf" in schema:
            raise GenerationError(f"{self.event}: {path}: both anyOf and oneOf")
        siblings = set(schema) - ANNOTATIONS - {keyword}
        if siblings:
            raise GenerationError(f"{self.event}: {path}: {keyword} with siblings {sorted(siblings)}")
        branches = schema[keyword]
        nulls = [b for b in branches if is_null_schema(b)]
        others = [b for b in branches if not is_null_schema(b)]
        if prefer_null and nulls:
            self.nulls += 1
            return None
        if not others:
            self.nulls += 1
            return None
        if path in self.forced:
            order = [branches[self.forced[path]]]
        else:
            start = self.pick(path, len(others), keyword)
            order = others[start:] + others[:start]
        failures = []
        for branch in order:
            value = self.generate(branch, path, depth=depth, name=name)
            matching = [b for b in branches if self.spec.is_valid(value, b)]
            # A forced branch only has to match itself: see build_variants.
            exclusive = keyword == "anyOf" or len(matching) == 1 or path in self.forced
            ok = branch in matching and exclusive
            if ok:
                label = branch.get("$ref", branch.get("type", "?"))
                self.branches.setdefault(path, set()).add(str(label))
                return value
            failures.append((branch, len(matching)))
        raise GenerationError(
            f"{self.event}: {path}: no {keyword} branch produced a valid value: "
            + "; ".join(f"{b.get('$ref', b.get('type'))} matched {n} branches" for b, n in failures)
        )

    # -- objects ----------------------------------------------------------

    def object(self, schema: dict, path: str, *, depth: int, schema_name: str = "") -> dict:
        properties = schema.get("properties", {})
        hints = HINTS.get(schema_name, {})
        required = set(schema.get("required", []))
        missing = required - set(properties)
        if missing:
            raise GenerationError(f"{self.event}: {path}: required but undeclared {sorted(missing)}")
        out: dict[str, Any] = {}
        for prop, sub in properties.items():
            sub_path = f"{path}.{prop}"
            if prop in hints:
                choices = hints[prop]
                value = copy.deepcopy(choices[self.pick(sub_path, len(choices), "hint")])
                if not self.spec.is_valid(value, sub):
                    raise GenerationError(f"{self.event}: {sub_path}: hint {value!r} is invalid")
                if prop not in required:
                    self.optional_seen += 1
                    self.optional_included += 1
                out[prop] = value
                continue
            if prop in required:
                # Required and nullable: `null` about one time in four.
                if self.nullable(sub) and self.pick(sub_path, 4, "null") == 0:
                    out[prop] = self.null_value(sub, sub_path, depth=depth + 1, name=prop)
                else:
                    out[prop] = self.non_null(sub, sub_path, depth=depth + 1, name=prop)
                continue
            self.optional_seen += 1
            if depth >= MAX_OPTIONAL_DEPTH or self.pick(sub_path, 3, "optional") == 0:
                continue
            self.optional_included += 1
            out[prop] = self.non_null(sub, sub_path, depth=depth + 1, name=prop)

        extra = schema.get("additionalProperties")
        if not properties and extra not in (None, False):
            out.update(self.map_entries(schema, extra, path, depth=depth))
        return out

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            _, schema = self.spec.lookup(schema["$ref"])
        return schema

    def nullable(self, schema: dict) -> bool:
        schema = self.resolve(schema)
        branches = schema.get("anyOf", schema.get("oneOf", []))
        return any(is_null_schema(b) for b in branches) or (
            isinstance(schema.get("type"), list) and "null" in schema["type"]
        )

    def null_value(self, schema: dict, path: str, *, depth: int, name: str) -> Any:
        schema = self.resolve(schema)
        return self.union(schema, path, depth=depth, name=name, prefer_null=True)

    def non_null(self, schema: dict, path: str, *, depth: int, name: str) -> Any:
        return self.generate(schema, path, depth=depth, name=name)

    def map_entries(self, schema: dict, extra: Any, path: str, *, depth: int) -> dict:
        """Entries of a map: one per branch of the value schema."""
        names = schema.get("propertyNames", {})
        value_schema = {} if extra is True else self.resolve(extra)
        branches = value_schema.get("anyOf") or value_schema.get("oneOf")
        if branches and depth < MAX_OPTIONAL_DEPTH:
            variants = list(branches)
        else:
            variants = [value_schema]
        limit = schema.get("maxProperties")
        if limit is not None:
            variants = variants[:limit]
        out = {}
        for index, variant in enumerate(variants):
            key = self.map_key(names, path, index, variant)
            key_path = f"{path}[{json.dumps(key)}]"
            if is_null_schema(variant):
                self.nulls += 1
                out[key] = None
            else:
                out[key] = self.generate(variant, key_path, depth=depth + 1, name=key)
        return out

    def map_key(self, names: dict, path: str, index: int, variant: dict) -> str:
        fmt = names.get("format")
        if fmt in ("uuid", "uuid4"):
            return self.uuid(f"{path}#key{index}")
        kind = variant.get("format") or variant.get("type") or "value"
        key = f"{kind.replace('-', '_')}_field" if index or kind != "value" else "key"
        key = key[: names.get("maxLength", len(key))]
        return key

    # -- arrays -----------------------------------------------------------

    def array(self, schema: dict, path: str, *, depth: int, name: str) -> list:
        if "prefixItems" in schema:
            items = [
                self.generate(sub, f"{path}[{i}]", depth=depth + 1, name=name)
                for i, sub in enumerate(schema["prefixItems"])
            ]
            if len(items) < schema.get("minItems", 0) and "items" not in schema:
                raise GenerationError(f"{self.event}: {path}: prefixItems shorter than minItems")
            return items
        count = max(schema.get("minItems", 0), 1)
        count = min(count, schema.get("maxItems", count))
        item = schema.get("items", {})
        return [self.generate(item, f"{path}[{i}]", depth=depth + 1, name=name) for i in range(count)]

    # -- scalars ----------------------------------------------------------

    def uuid(self, path: str) -> str:
        digest = hashlib.sha256(f"{self.event}\x1f{path}".encode("utf-8")).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def date_time(self, path: str) -> str:
        offset = crc(self.event, path, "time") % (365 * 24 * 3600)
        moment = BASE_TIME + dt.timedelta(seconds=offset)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if self.pick(path, 2, "micros"):
            micros = crc(self.event, path, "us") % 1_000_000
            if micros % 1000 == 0:
                micros += 1
            text += f".{micros:06d}"
        return text + "Z"

    def string(self, schema: dict, path: str, *, name: str) -> str:
        fmt = schema.get("format")
        tag = f"{self.pick(path, 9000) + 1000}"
        candidates: list[str] = []
        if fmt in ("uuid", "uuid4"):
            candidates.append(self.uuid(path))
        elif fmt == "date-time":
            candidates.append(self.date_time(path))
        elif fmt == "date":
            candidates.append(self.date_time(path)[:10])
        elif fmt == "email":
            candidates.append(f"customer.{tag}@example.com")
        elif fmt == "uri":
            candidates.append(f"https://example.com/{name or 'resource'}/{tag}")
        elif fmt == "ipvanyaddress":
            candidates.append(f"203.0.113.{self.pick(path, 254) + 1}")
        elif fmt is not None:
            raise GenerationError(f"{self.event}: {path}: no generator for format {fmt!r}")
        candidates += [e for e in schema.get("examples", []) if isinstance(e, str)]
        if "pattern" in schema:
            candidates += ["1", "12.5", "0.25", "100", "usd"]
        if fmt is None:
            lowered = name.lower()
            if "email" in lowered:
                candidates.append(f"customer.{tag}@example.com")
            elif lowered.endswith("url") or lowered.endswith("uri"):
                candidates.append(f"https://example.com/{lowered}/{tag}")
            elif lowered == "currency" or lowered.endswith("_currency"):
                candidates.append("usd")
            candidates.append(f"{humanize(name)} {tag}")
        for candidate in candidates:
            candidate = self.fit_length(candidate, schema)
            if self.spec.is_valid(candidate, schema):
                return candidate
        raise GenerationError(f"{self.event}: {path}: no candidate string satisfies {schema}")

    @staticmethod
    def fit_length(text: str, schema: dict) -> str:
        low = schema.get("minLength", 0)
        high = schema.get("maxLength")
        if len(text) < low:
            text += "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[:high]
        return text

    def bounds(self, schema: dict, path: str) -> tuple[Optional[float], Optional[float]]:
        low = schema.get("minimum")
        if "exclusiveMinimum" in schema:
            exclusive = schema["exclusiveMinimum"]
            if isinstance(exclusive, bool):
                raise GenerationError(f"{self.event}: {path}: boolean exclusiveMinimum (OpenAPI 3.0)")
            low = exclusive + 1 if low is None else max(low, exclusive + 1)
        return low, schema.get("maximum")

    def integer(self, schema: dict, path: str) -> int:
        for example in schema.get("examples", []):
            if isinstance(example, int) and not isinstance(example, bool) and self.spec.is_valid(example, schema):
                return example
        low, high = self.bounds(schema, path)
        value = 100 * (self.pick(path, 50, "int") + 1)
        if low is not None and value < low:
            value = int(low)
        if high is not None and value > high:
            value = int(high)
        return value

    def number(self, schema: dict, path: str) -> float:
        for example in schema.get("examples", []):
            if isinstance(example, float) and example != int(example) and self.spec.is_valid(example, schema):
                return example
        low, high = self.bounds(schema, path)
        value = self.pick(path, 100, "num") + 0.5
        if low is not None and value < low:
            value = float(low) + 0.5
        if high is not None and value > high:
            value = float(high) - 0.5
        return value


# ------------------------------------------------------------------ build ---


def mutations(payload: dict, schema: dict, spec: Spec) -> list[tuple[str, dict]]:
    """Broken copies of `payload` that its schema must reject."""
    out = []
    broken = copy.deepcopy(payload)
    broken["timestamp"] = "2025-13-45T25:61:00Z"
    out.append(("an impossible timestamp", broken))
    broken = copy.deepcopy(payload)
    broken["type"] = "not." + payload["type"]
    out.append(("another type", broken))
    data_schema = schema["properties"]["data"]
    while "$ref" in data_schema:
        _, data_schema = spec.lookup(data_schema["$ref"])
    required = data_schema.get("required", [])
    if required and isinstance(payload["data"], dict):
        broken = copy.deepcopy(payload)
        del broken["data"][required[0]]
        out.append((f"`data.{required[0]}` missing", broken))
    if isinstance(payload["data"], dict) and isinstance(payload["data"].get("id"), str):
        broken = copy.deepcopy(payload)
        broken["data"]["id"] = "not-a-uuid"
        out.append(("a malformed `data.id`", broken))
    return out


def build(spec: Spec) -> tuple[list[dict], dict]:
    events = spec.events()
    roots = sorted(set(events.values()))
    reachable = spec.reachable(roots)
    keywords, formats = keywords_and_formats([spec.schemas[n] for n in reachable])
    unchecked = formats - set(FORMATS)
    if unchecked:
        raise SystemExit(f"formats without a checker: {sorted(unchecked)}")
    unknown = keywords - HANDLED - {"$defs"}
    if unknown:
        raise SystemExit(f"schema keywords this script does not handle: {sorted(unknown)}")

    stats = {
        "events": len(events),
        "schemas_reachable": len(reachable),
        "optional_seen": 0,
        "optional_included": 0,
        "nulls": 0,
        "union_paths": 0,
        "per_event": {},
    }
    out = []
    for event in sorted(events):
        schema_name = events[event]
        schema = spec.schemas[schema_name]
        Draft202012Validator.check_schema(schema)
        generator = Generator(spec, event)
        payload = generator.generate({"$ref": LOCAL_REF + schema_name})
        if payload.get("type") != event:
            raise SystemExit(f"{event}: payload type is {payload.get('type')!r}")
        errors = spec.errors(payload, {"$ref": LOCAL_REF + schema_name})
        if errors:
            raise SystemExit(f"{event}: generated payload is invalid:\n  " + "\n  ".join(errors))
        # The validator really asserts: a bad timestamp format and a missing
        # required property of `data` must both be reported.
        for label, broken in mutations(payload, spec.schemas[schema_name], spec):
            if spec.is_valid(broken, {"$ref": LOCAL_REF + schema_name}):
                raise SystemExit(f"{event}: validator accepted a payload with {label}")
        # Cross-check: the payload must fail validation against every other
        # event's schema (their `type` consts differ).
        for other in sorted(set(events.values()) - {schema_name}):
            if spec.is_valid(payload, {"$ref": LOCAL_REF + other}):
                raise SystemExit(f"{event}: payload also validates as {other}")
        out.append({"event": event, "payload": payload})
        stats["optional_seen"] += generator.optional_seen
        stats["optional_included"] += generator.optional_included
        stats["nulls"] += generator.nulls
        stats["union_paths"] += len(generator.branches)
        stats["per_event"][event] = {
            "schema": schema_name,
            "optional_seen": generator.optional_seen,
            "optional_included": generator.optional_included,
            "nulls": generator.nulls,
        }
    if len(out) != len(events) or len({e["event"] for e in out}) != len(events):
        raise SystemExit("not one payload per event")
    return out, stats


def data_unions(spec: Spec, events: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """First event (by name) of each distinct union used as `data`, with the
    union's branch schema names: event -> (union key, branch names)."""
    out: dict[str, tuple[str, list[str]]] = {}
    seen: set[str] = set()
    for event in sorted(events):
        data = spec.schemas[events[event]]["properties"]["data"]
        key = data.get("$ref", json.dumps(data, sort_keys=True))
        while "$ref" in data:
            _, data = spec.lookup(data["$ref"])
        branches = data.get("anyOf") or data.get("oneOf")
        if not branches or key in seen:
            continue
        seen.add(key)
        names = []
        for branch in branches:
            if "$ref" not in branch:
                raise SystemExit(f"{event}: inline `data` union branch")
            names.append(spec.lookup(branch["$ref"])[0])
        out[event] = (key, names)
    return out


def build_variants(spec: Spec) -> list[dict]:
    """For each distinct union used as an event's `data`, one payload per
    branch: every branch of `Benefit`, `BenefitGrantWebhook`, `Customer`, ...
    is decoded at least once.

    Each payload is validated strictly against its event schema with `data`
    narrowed to the branch. Some `oneOf` branches of the spec overlap (no
    `additionalProperties: false`, so e.g. every `DiscountFixedRepeatDuration`
    is also a valid `DiscountFixedOnceForeverDuration`); such a payload
    cannot satisfy the `oneOf` itself. The other branches a payload matches
    are listed in `also_matches`."""
    events = spec.events()
    out = []
    for event, (_, names) in data_unions(spec, events).items():
        schema_ref = {"$ref": LOCAL_REF + events[event]}
        for index, name in enumerate(names):
            narrowed = copy.deepcopy(spec.schemas[events[event]])
            narrowed["properties"]["data"] = {"$ref": LOCAL_REF + name}
            # Some branches overlap (a `oneOf` value must match exactly one):
            # vary the seed until the forced branch gives an unambiguous value.
            for attempt in range(20):
                seed = f"{event}/{name}" + (f"#{attempt}" if attempt else "")
                try:
                    payload = Generator(spec, seed, forced={"$.data": index}).generate(schema_ref)
                    break
                except GenerationError as err:
                    failure = err
            else:
                raise GenerationError(f"{event}/{name}: 20 attempts failed, last: {failure}")
            errors = spec.errors(payload, narrowed)
            if errors:
                raise SystemExit(f"{event}/{name}: generated payload is invalid:\n  " + "\n  ".join(errors))
            also = [
                other
                for other in names
                if other != name and spec.is_valid(payload["data"], {"$ref": LOCAL_REF + other})
            ]
            entry = {"event": event, "variant": name}
            if also:
                entry["also_matches"] = also
            if spec.is_valid(payload, schema_ref) == bool(also):
                raise SystemExit(f"{event}/{name}: oneOf/anyOf outcome disagrees with also_matches")
            entry["payload"] = payload
            out.append(entry)
    return out


def render(payloads: list[dict]) -> str:
    return json.dumps(payloads, indent=2, ensure_ascii=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output file is out of date")
    parser.add_argument("--stats", action="store_true", help="print what was generated")
    parser.add_argument("--spec", type=Path, default=SPEC, help=f"default: {SPEC}")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    parser.add_argument("--variants", type=Path, default=VARIANTS, help=f"default: {VARIANTS}")
    parser.add_argument("--events", type=Path, default=EVENTS, help=f"default: {EVENTS}")
    args = parser.parse_args()

    installed = version("jsonschema")
    if installed != PINNED_VERSION:
        print(
            f"jsonschema {installed} is installed; this script is pinned to "
            f"{PINNED_VERSION} (see scripts/requirements-webhooks.txt)",
            file=sys.stderr,
        )
        return 2

    spec = Spec(args.spec)
    try:
        payloads, stats = build(spec)
        variants = build_variants(spec)
    except GenerationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    outputs = {
        args.output: render(payloads),
        args.variants: render(variants),
        args.events: render(sorted(spec.document["webhooks"])),
    }
    if args.stats:
        summary = {k: v for k, v in stats.items() if k != "per_event"}
        print(json.dumps(summary, indent=2))
        for event, numbers in stats["per_event"].items():
            print(
                f"  {event:28} {numbers['schema']:38} optional {numbers['optional_included']:3}"
                f"/{numbers['optional_seen']:3}  nulls {numbers['nulls']}"
            )
    summary = f"{len(payloads)} events, {len(variants)} data variants, all valid"
    if args.check:
        stale = [
            path
            for path, text in outputs.items()
            if (path.read_text(encoding="utf-8") if path.exists() else None) != text
        ]
        for path in stale:
            print(f"{path} is out of date; rerun scripts/webhook_payloads.py", file=sys.stderr)
        if stale:
            return 1
        print(f"{', '.join(str(p) for p in outputs)} are up to date ({summary})")
        return 0

    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
