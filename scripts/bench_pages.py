#!/usr/bin/env python3
"""Synthesizes realistic, deterministic list pages for the decode benchmarks.

Walks the schemas of the pinned spec (`$ref`, `anyOf`/`oneOf` with discriminators, `const`,
enums, `prefixItems`, `additionalProperties`, formats) and writes one JSON page per list type
to generated-client/benches/data/, compact as the API sends it:

    orders_page.json     ListResource_Order_     (polar::models::ListResourceOrder)
    customers_page.json  ListResource_Customer_  (polar::models::ListResourceCustomer)

Every page has 100 items. Even items fill every optional property and give every nullable
property a value; odd items leave optional properties out and nullable ones null, so a page
exercises both paths of every field. Values are realistic (names, e-mails, amounts in cents,
ISO timestamps, UUIDv4s, examples from the spec) and depend only on a fixed seed.

    python3 scripts/bench_pages.py           # (re)write the pages
    python3 scripts/bench_pages.py --check   # fail if the checked-in pages are stale
"""

import datetime
import json
import random
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "polar-2026-10.openapi.json"
OUT = ROOT / "generated-client" / "benches" / "data"
PAGES = [
    ("orders_page.json", "ListResource_Order_", 1),
    ("customers_page.json", "ListResource_Customer_", 2),
]
ITEMS = 100

FIRST = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Alan", "Radia",
         "Guido", "Hedy", "Yukihiro", "Sophie", "Bjarne", "Anita"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Turing",
        "Perlman", "van Rossum", "Lamarr", "Matsumoto", "Wilson", "Stroustrup", "Borg"]
CITIES = [("San Francisco", "CA", "94107"), ("Stockholm", None, "111 22"), ("Paris", None, "75002"),
          ("Berlin", None, "10115"), ("Austin", "TX", "73301")]
PRODUCTS = ["Pro Plan", "Team Plan", "Starter", "Enterprise Seat", "Lifetime License", "API Credits"]
COUNTRIES = ["US", "SE", "FR", "DE", "GB", "CA"]
WORDS = ["billing", "monthly", "annual", "seat", "usage", "license", "support", "priority", "credit",
         "renewal", "upgrade", "storage"]


class Synth:
    def __init__(self, spec, seed):
        self.schemas = spec["components"]["schemas"]
        self.rng = random.Random(seed)
        self.base = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)

    # -- helpers ---------------------------------------------------------------------------

    def resolve(self, schema):
        while "$ref" in schema:
            schema = {**self.schemas[schema["$ref"].split("/")[-1]],
                      **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def person(self):
        return self.rng.choice(FIRST), self.rng.choice(LAST)

    def timestamp(self):
        t = self.base + datetime.timedelta(seconds=self.rng.randrange(0, 400 * 86400),
                                           microseconds=self.rng.randrange(0, 1_000_000))
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def uuid4(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def string(self, name, schema):
        fmt = schema.get("format", "")
        if fmt.startswith("uuid"):
            return self.uuid4()
        if fmt == "date-time":
            return self.timestamp()
        if fmt == "date":
            return self.timestamp()[:10]
        if fmt in ("uri", "url") or name.endswith("_url") or name == "url":
            return f"https://cdn.example.com/{self.rng.choice(WORDS)}/{self.rng.randrange(10**6)}.png"
        first, last = self.person()
        if "email" in name or fmt == "email":
            return f"{first.lower()}.{last.lower().replace(' ', '')}@example.com"
        if name in ("name", "billing_name"):
            return f"{first} {last}"
        if name == "currency" or name.endswith("_currency"):
            return "usd"
        if name == "locale":
            return self.rng.choice(["en", "sv", "fr", "de"])
        if name == "external_id":
            return f"usr_{self.rng.randrange(10**5):05d}"
        if name.endswith("_number"):
            return f"POLAR-{self.rng.randrange(10**4):04d}-{self.rng.randrange(10**4):04d}"
        if name == "line1":
            return f"{self.rng.randrange(1, 999)} {self.rng.choice(['Market', 'Main', 'King', 'Elm'])} Street"
        if name == "line2":
            return f"Suite {self.rng.randrange(1, 500)}"
        if name in ("city", "state", "postal_code"):
            city, state, postal = self.rng.choice(CITIES)[:3]
            return {"city": city, "state": state or "CA", "postal_code": postal}[name]
        if name == "tax_id":
            return str(self.rng.randrange(10**8, 10**9))
        if name == "label":
            return self.rng.choice(PRODUCTS)
        if name in ("code",):
            return f"{self.rng.choice(WORDS).upper()}{self.rng.randrange(100)}"
        examples = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
        if examples and isinstance(examples[0], str):
            return self.rng.choice(examples)
        if name in ("description", "customer_cancellation_comment"):
            return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randrange(4, 12))).capitalize() + "."
        return " ".join(self.rng.choice(WORDS) for _ in range(2))

    def integer(self, name, schema):
        if "amount" in name:
            return self.rng.choice([0, 0, 500, 900, 1000, 2500, 4900, 9900, 19900, 49900])
        if name in ("total_count",):
            return 4321
        if name in ("max_page",):
            return 44
        if "count" in name or name in ("seats", "duration_in_months"):
            return self.rng.randrange(1, 13)
        if name == "basis_points":
            return self.rng.choice([1000, 2500, 5000])
        lo = schema.get("minimum", 0)
        hi = schema.get("maximum", lo + 1000)
        return self.rng.randrange(int(lo), int(hi) + 1)

    # -- the walk --------------------------------------------------------------------------

    def value(self, schema, name="", full=True):
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            common = [c for c in COUNTRIES if c in schema["enum"]]
            return self.rng.choice(common if name == "country" and common else schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                arms = schema[key]
                non_null = [a for a in arms if self.resolve(a).get("type") != "null"]
                if len(non_null) < len(arms) and not full:
                    return None
                return self.value(self.rng.choice(non_null), name, full)
        if "allOf" in schema:
            merged = {"type": "object", "properties": {}, "required": []}
            for part in schema["allOf"]:
                part = self.resolve(part)
                merged["properties"].update(part.get("properties", {}))
                merged["required"] += part.get("required", [])
            return self.value(merged, name, full)
        ty = schema.get("type")
        if isinstance(ty, list):
            ty = next(t for t in ty if t != "null")
        if ty == "object" or "properties" in schema:
            return self.obj(schema, full)
        if ty == "array":
            if "prefixItems" in schema:
                return [self.value(s, name, full) for s in schema["prefixItems"]]
            count = self.rng.randrange(1, 4) if full else 1
            return [self.value(schema.get("items", {}), name, full) for _ in range(count)]
        if ty == "string":
            return self.string(name, schema)
        if ty == "integer":
            return self.integer(name, schema)
        if ty == "number":
            return round(self.rng.uniform(0, 100), 2)
        if ty == "boolean":
            return self.rng.random() < 0.5
        if ty == "null":
            return None
        return self.string(name, schema)  # untyped: a string is always valid JSON

    def obj(self, schema, full):
        out = {}
        required = set(schema.get("required", []))
        for prop, sub in schema.get("properties", {}).items():
            if prop not in required and not full:
                continue
            out[prop] = self.value(sub, prop, full)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not schema.get("properties"):
            keys = ["plan", "source", "seats", "trial", "campaign", "region"]
            for key in self.rng.sample(keys, 3 if full else 1):
                out[key] = self.value(extra, key, True)
                if out[key] is None:
                    out[key] = "web"
        return out

    def page(self, list_schema):
        items_schema = self.schemas[list_schema]["properties"]["items"]["items"]
        items = [self.value(items_schema, "", i % 2 == 0) for i in range(ITEMS)]
        return {"items": items, "pagination": {"total_count": 4321, "max_page": 44}}


def render():
    spec = json.loads(SPEC.read_text())
    return {file: json.dumps(Synth(spec, seed).page(schema), separators=(",", ":"), ensure_ascii=False) + "\n"
            for file, schema, seed in PAGES}


def main():
    pages = render()
    if "--check" in sys.argv[1:]:
        stale = [f for f, text in pages.items() if not (OUT / f).exists() or (OUT / f).read_text() != text]
        if stale:
            sys.exit(f"stale benchmark pages: {', '.join(stale)}; run `python3 scripts/bench_pages.py`")
        print("benchmark pages are up to date")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for f, text in pages.items():
        (OUT / f).write_text(text)
        print(f"wrote {OUT.relative_to(ROOT) / f} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
