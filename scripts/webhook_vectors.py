#!/usr/bin/env python3
"""Generate Standard Webhooks test vectors for the Rust webhook verifier.

The vectors are produced by an implementation independent of ours: the
reference `standardwebhooks` package from PyPI (pinned in
scripts/requirements-webhooks.txt). For every case this script

  1. signs the payload with the reference library's `Webhook.sign`, and
  2. runs the reference library's `Webhook.verify` on the headers/body the
     case describes (with the library's clock frozen at the case's `now`),
     and checks that the outcome equals the outcome the case declares.

So every `expect` in the output is what the reference library itself
decides, not just what this script hopes for.

Output: generator/runtime/testdata/webhooks/vectors.json, a JSON list of
cases, each an object with:

  name              unique case name
  description       what the case checks
  secret            the secret string exactly as given to
                    `WebhookVerifier::new`
  secret_form       "whsec" (`whsec_<base64 key>`, the standard scheme) or
                    "raw" (Polar's original scheme: HMAC key = the UTF-8
                    bytes of the whole secret)
  whsec_equivalent  the same key in `whsec_` form; for "raw" secrets this is
                    `"whsec_" + base64(secret.encode("utf-8"))`, which is what
                    Polar's own SDKs hand to the standardwebhooks library
  id                `webhook-id` header value, or null when absent
  timestamp         `webhook-timestamp` header value (a string, as sent on
                    the wire), or null when absent
  signature_header  `webhook-signature` header value, or null when absent
  now               unix seconds the verifier's clock reads
  body              request body (the UTF-8 bytes of this string)
  expect            "ok" | "missing_header" | "invalid_timestamp" |
                    "too_old" | "in_future" | "invalid_signature_header" |
                    "no_matching_signature": the outcome for a verifier with
                    the one key `secret_form` names (`from_whsec` or
                    `from_raw_secret`)
  expect_new        the outcome for `WebhookVerifier::new(secret)`, which,
                    like polar-sdk 1.0.2's `_signing_keys`, accepts a
                    signature under either key of a `whsec_` secret: its UTF-8
                    bytes, and the base64 decoding of the text after `whsec_`
                    (when that is base64 of a non-empty key)
  scheme            only on simulated Polar deliveries: "polar_original"
                    (signed like Polar's server, with
                    `Webhook(base64(secret.encode()))`) or "polar_standard"
                    (signed with the standard key, `Webhook(secret)`)
  missing_header    (only when expect == "missing_header") the first absent
                    or empty header in the order webhook-id,
                    webhook-timestamp, webhook-signature

Tolerance is the Standard Webhooks default of 5 minutes (300 s), which is
hard-coded in the reference library.

Besides the hand-written cases, the script simulates Polar's server
(polarsource/polar): it makes endpoint secrets exactly like
`server/polar/kit/crypto.py::generate_token(prefix="whsec_")` does, from a
seeded random generator instead of `secrets`, and signs deliveries the way
`server/polar/webhook/tasks.py` does: `Webhook(base64(secret.encode()))`, a
UUID `webhook-id`, the send time floored to seconds. The same number of
deliveries is signed with the standard key of the same kind of secrets, and
refusal cases (wrong secret, tampered body or id, stale or future
timestamp, missing headers, the key without its prefix, one scheme's
signature under the other scheme's key) are derived from them.

Everything is fixed (secrets, ids, timestamps, bodies, the seed), so rerunning
the script produces byte-identical output. `--check` exits non-zero if the file
on disk differs from what would be generated.

Usage:
  python3 -m venv /tmp/whvenv
  /tmp/whvenv/bin/pip install --require-hashes -r scripts/requirements-webhooks.txt
  /tmp/whvenv/bin/python scripts/webhook_vectors.py            # write
  /tmp/whvenv/bin/python scripts/webhook_vectors.py --check    # verify
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import json
import random
import string
import sys
import uuid
import zlib
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterator, Optional

import standardwebhooks.webhooks as reference
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PINNED_VERSION = "1.1.0"

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "generator"
    / "runtime"
    / "testdata"
    / "webhooks"
    / "vectors.json"
)

# 2023-11-14T22:13:20Z
NOW = 1_700_000_000
TOLERANCE = 300

# 32 fixed key bytes; their base64 form ends in one '=' of padding.
KEY = b"polar-rust-client-webhook-key-01"
WHSEC = "whsec_" + base64.b64encode(KEY).decode("ascii")
WHSEC_UNPADDED = WHSEC.rstrip("=")
OTHER_WHSEC = "whsec_" + base64.b64encode(b"a-completely-different-key-bytes").decode("ascii")

# Raw secrets: any string used as the UTF-8 bytes of the HMAC key (Polar's
# original scheme, `from_raw_secret`). Polar itself issues `whsec_` secrets
# (see `polar_cases`); these are not real secrets.
RAW = "raw_3xAmpl3NotARealSecretJustTestData0123456789"
RAW_NON_ASCII = "p\u00f6lar-s\u00e9cret-\u2713-\U0001f511"
# A raw secret that happens to be valid (unpadded) base64: it must still be
# used as UTF-8 bytes, not base64-decoded.
RAW_BASE64_LOOKING = "c2VjcmV0LWtleS1ieXRlcw"

MSG_ID = "msg_2Ks3C8aXvQ1RfJm9TzLw0Hn7Ybe"
BODY = (
    '{"type":"checkout.created","timestamp":"2023-11-14T22:13:19.123456Z",'
    '"data":{"id":"6c1bd8bc-4a63-4f69-9c2e-1f3b7c2d9e10","status":"open",'
    '"amount":1500,"currency":"usd"}}'
)
BODY_UNICODE = '{"type":"customer.updated","data":{"name":"Zo\u00eb \u00c5str\u00f6m \u2014 \u6771\u4eac \U0001f600"}}'

# The worked example published with the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def whsec_equivalent(secret: str, form: str) -> str:
    """The `whsec_` form of the key our verifier derives from `secret`."""
    if form == "whsec":
        return secret
    if form == "raw":
        # Exactly what Polar's SDKs do before calling standardwebhooks.
        return "whsec_" + base64.b64encode(secret.encode("utf-8")).decode("ascii")
    raise ValueError(f"unknown secret form {form!r}")


def sign(whsec: str, msg_id: str, timestamp: int, body: str) -> str:
    """`v1,<base64>` signature computed by the reference library."""
    ts = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return Webhook(whsec).sign(msg_id=msg_id, timestamp=ts, data=body)


@contextlib.contextmanager
def frozen_clock(now: int) -> Iterator[None]:
    """Make the reference library's `datetime.now` return `now`."""

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.fromtimestamp(now, tz=tz)

    original = reference.datetime
    reference.datetime = FrozenDatetime  # type: ignore[misc]
    try:
        yield
    finally:
        reference.datetime = original  # type: ignore[misc]


def reference_outcome(case: dict, key: "str | bytes | None" = None) -> str:
    """Run the reference verifier on `case` and classify its result.

    `key` is given to `Webhook` (a `whsec_` string or the key bytes); by
    default, the case's `whsec_equivalent`.
    """
    headers = {
        name: case[field]
        for name, field in (
            ("webhook-id", "id"),
            ("webhook-timestamp", "timestamp"),
            ("webhook-signature", "signature_header"),
        )
        if case[field] is not None
    }
    webhook = Webhook(case["whsec_equivalent"] if key is None else key)
    with frozen_clock(case["now"]):
        try:
            webhook.verify(case["body"].encode("utf-8"), headers, json_parse=False)
        except WebhookVerificationError as err:
            message = str(err)
            outcomes = {
                "Missing required headers": "missing_header",
                "Invalid Signature Headers": "invalid_timestamp",
                "Message timestamp too old": "too_old",
                "Message timestamp too new": "in_future",
                "No matching signature found": "no_matching_signature",
            }
            if message not in outcomes:
                raise RuntimeError(f"{case['name']}: unexpected error {message!r}") from err
            return outcomes[message]
        except binascii.Error as err:
            raise RuntimeError(f"{case['name']}: reference raised {err!r}") from err
        except ValueError as err:
            # The reference library unpacks each space-separated entry as
            # `version,signature`; an entry without a comma raises here.
            if "values to unpack" in str(err):
                return "invalid_signature_header"
            raise
    return "ok"


def signing_keys(secret: str) -> list[bytes]:
    """The keys `WebhookVerifier::new` tries: polar-sdk 1.0.2's
    `polar/webhooks.py::_signing_keys`, copied, except that only the text
    after a `whsec_` prefix is base64-decoded (a secret without the prefix,
    which Polar never issues, is used as its UTF-8 bytes only)."""
    keys: list[bytes] = [secret.encode()]
    if not secret.startswith("whsec_"):
        return keys
    remainder = secret.removeprefix("whsec_")
    try:
        decoded = base64.b64decode(remainder + "=" * (-len(remainder) % 4), validate=True)
    except (binascii.Error, ValueError):
        return keys
    if decoded and decoded != keys[0]:
        keys.append(decoded)
    return keys


def new_outcome(case: dict) -> str:
    """The reference outcome when a signature may match under any key of
    `signing_keys` (checks before the signature do not depend on the key)."""
    outcomes = [reference_outcome(case, key) for key in signing_keys(case["secret"])]
    return "ok" if "ok" in outcomes else outcomes[0]


# polarsource/polar server/polar/kit/crypto.py, copied; `secrets.choice` is
# replaced by the `choice` argument so that the output is reproducible.
def _crc32_to_base62(number: int) -> str:
    characters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    base = len(characters)
    encoded = ""
    while number:
        number, remainder = divmod(number, base)
        encoded = characters[remainder] + encoded
    return encoded.zfill(6)  # Ensure the checksum is 6 characters long


def generate_token(*, prefix: str = "", choice: Callable[[str], str]) -> str:
    # Generate a high entropy random token
    token = "".join(choice(string.ascii_letters + string.digits) for _ in range(37))

    # Calculate a 32-bit CRC checksum
    checksum = zlib.crc32(token.encode("utf-8")) & 0xFFFFFFFF
    checksum_base62 = _crc32_to_base62(checksum)

    # Concatenate the prefix, token, and checksum
    return f"{prefix}{token}{checksum_base62}"


# polarsource/polar server/polar/webhook/constants.py
WEBHOOK_SECRET_PREFIX = "whsec_"


def polar_sign(secret: str, scheme: str, msg_id: str, ts: datetime, payload: str) -> str:
    """`webhook-signature` as Polar's server sends it."""
    if scheme == "polar_original":
        # server/polar/webhook/tasks.py::_webhook_event_send
        b64secret = base64.b64encode(secret.encode("utf-8")).decode("utf-8")
        return Webhook(b64secret).sign(msg_id, ts, payload)
    if scheme == "polar_standard":
        return Webhook(secret).sign(msg_id, ts, payload)
    raise ValueError(f"unknown scheme {scheme!r}")


def make_case(
    name: str,
    description: str,
    *,
    expect: str,
    secret: str = WHSEC,
    secret_form: str = "whsec",
    msg_id: Optional[str] = MSG_ID,
    timestamp: Optional[str] = str(NOW),
    signature_header: Optional[str],
    now: int = NOW,
    body: str = BODY,
    missing_header: Optional[str] = None,
    expect_new: Optional[str] = None,
    scheme: Optional[str] = None,
) -> dict:
    case = {
        "name": name,
        "description": description,
        "secret": secret,
        "secret_form": secret_form,
        "whsec_equivalent": whsec_equivalent(secret, secret_form),
        "id": msg_id,
        "timestamp": timestamp,
        "signature_header": signature_header,
        "now": now,
        "body": body,
        "expect": expect,
        "expect_new": expect if expect_new is None else expect_new,
    }
    if scheme is not None:
        case["scheme"] = scheme
    if expect == "missing_header":
        assert missing_header is not None, name
        case["missing_header"] = missing_header
    else:
        assert missing_header is None, name
    outcome = reference_outcome(case)
    if outcome != expect:
        raise RuntimeError(f"{name}: declared {expect!r} but the reference library says {outcome!r}")
    outcome = new_outcome(case)
    if outcome != case["expect_new"]:
        raise RuntimeError(
            f"{name}: declared {case['expect_new']!r} for both keys, but the reference library says {outcome!r}"
        )
    return case


def build_cases() -> list[dict]:
    good = sign(WHSEC, MSG_ID, NOW, BODY)
    good_mac = good.split(",", 1)[1]
    wrong = sign(OTHER_WHSEC, MSG_ID, NOW, BODY)

    spec = sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    if spec != SPEC_SIGNATURE:
        raise RuntimeError(f"reference library disagrees with the spec example: {spec}")

    raw_whsec = whsec_equivalent(RAW, "raw")
    non_ascii_whsec = whsec_equivalent(RAW_NON_ASCII, "raw")
    b64_raw_whsec = whsec_equivalent(RAW_BASE64_LOOKING, "raw")

    cases = [
        make_case(
            "spec_example",
            "Worked example from the Standard Webhooks specification.",
            secret=SPEC_SECRET,
            msg_id=SPEC_ID,
            timestamp=str(SPEC_TIMESTAMP),
            now=SPEC_TIMESTAMP,
            body=SPEC_BODY,
            signature_header=SPEC_SIGNATURE,
            expect="ok",
        ),
        make_case(
            "valid_whsec",
            "whsec_ secret; key = base64-decoded bytes after the prefix.",
            signature_header=good,
            expect="ok",
        ),
        make_case(
            "valid_whsec_unpadded",
            "whsec_ secret whose base64 lacks its trailing '=' padding.",
            secret=WHSEC_UNPADDED,
            signature_header=good,
            expect="ok",
        ),
        make_case(
            "valid_raw",
            "Raw secret; key = its UTF-8 bytes.",
            secret=RAW,
            secret_form="raw",
            signature_header=sign(raw_whsec, MSG_ID, NOW, BODY),
            expect="ok",
        ),
        make_case(
            "valid_raw_non_ascii",
            "Raw secret with non-ASCII characters; key = its UTF-8 bytes.",
            secret=RAW_NON_ASCII,
            secret_form="raw",
            signature_header=sign(non_ascii_whsec, MSG_ID, NOW, BODY),
            expect="ok",
        ),
        make_case(
            "valid_raw_base64_looking",
            "Raw secret that is itself valid base64 is still used as UTF-8 bytes.",
            secret=RAW_BASE64_LOOKING,
            secret_form="raw",
            signature_header=sign(b64_raw_whsec, MSG_ID, NOW, BODY),
            expect="ok",
        ),
        make_case(
            "raw_secret_is_not_base64_decoded",
            "Signed with base64-decode(raw) as key: must not verify with the raw secret.",
            secret=RAW_BASE64_LOOKING,
            secret_form="raw",
            signature_header=sign("whsec_" + RAW_BASE64_LOOKING, MSG_ID, NOW, BODY),
            expect="no_matching_signature",
        ),
        make_case(
            "valid_empty_body",
            "Empty body is signed as '{id}.{timestamp}.'.",
            body="",
            signature_header=sign(WHSEC, MSG_ID, NOW, ""),
            expect="ok",
        ),
        make_case(
            "valid_unicode_body",
            "Body with non-ASCII UTF-8 is signed byte for byte.",
            body=BODY_UNICODE,
            signature_header=sign(WHSEC, MSG_ID, NOW, BODY_UNICODE),
            expect="ok",
        ),
        make_case(
            "tampered_body",
            "Body changed after signing.",
            body=BODY.replace("1500", "1", 1),
            signature_header=good,
            expect="no_matching_signature",
        ),
        make_case(
            "tampered_id",
            "webhook-id changed after signing.",
            msg_id=MSG_ID + "x",
            signature_header=good,
            expect="no_matching_signature",
        ),
        make_case(
            "tampered_timestamp",
            "webhook-timestamp changed (still within tolerance) after signing.",
            timestamp=str(NOW + 1),
            signature_header=good,
            expect="no_matching_signature",
        ),
        make_case(
            "wrong_secret",
            "Signed with a different key.",
            signature_header=wrong,
            expect="no_matching_signature",
        ),
        make_case(
            "multiple_signatures_second_matches",
            "Space-separated signatures: any v1 entry may match.",
            signature_header=f"{wrong} {good}",
            expect="ok",
        ),
        make_case(
            "multiple_signatures_none_match",
            "Several v1 entries, none valid.",
            signature_header=f"{wrong} {sign(OTHER_WHSEC, MSG_ID, NOW + 1, BODY)}",
            expect="no_matching_signature",
        ),
        make_case(
            "v2_entry_ignored",
            "An entry with another version prefix is skipped; the v1 entry matches.",
            signature_header=f"v2,{good_mac} {good}",
            expect="ok",
        ),
        make_case(
            "only_v2_entry",
            "The correct MAC under a v2 prefix is not accepted.",
            signature_header=f"v2,{good_mac}",
            expect="no_matching_signature",
        ),
        make_case(
            "v1a_prefix_is_not_v1",
            "The version must be exactly 'v1'.",
            signature_header=f"v1a,{good_mac}",
            expect="no_matching_signature",
        ),
        make_case(
            "invalid_base64_signature",
            "A v1 entry that is not base64 cannot match.",
            signature_header="v1,!!!!",
            expect="no_matching_signature",
        ),
        make_case(
            "truncated_signature",
            "A v1 entry whose MAC is cut short cannot match.",
            signature_header=f"v1,{good_mac[:40]}",
            expect="no_matching_signature",
        ),
        make_case(
            "malformed_signature_header",
            "webhook-signature without any 'version,signature' entry.",
            signature_header="v1",
            expect="invalid_signature_header",
        ),
        make_case(
            "stale_timestamp",
            "Correctly signed, but 301 s older than now.",
            timestamp=str(NOW - TOLERANCE - 1),
            signature_header=sign(WHSEC, MSG_ID, NOW - TOLERANCE - 1, BODY),
            expect="too_old",
        ),
        make_case(
            "timestamp_at_past_tolerance",
            "Exactly 300 s old is still accepted.",
            timestamp=str(NOW - TOLERANCE),
            signature_header=sign(WHSEC, MSG_ID, NOW - TOLERANCE, BODY),
            expect="ok",
        ),
        make_case(
            "future_timestamp",
            "Correctly signed, but 301 s ahead of now.",
            timestamp=str(NOW + TOLERANCE + 1),
            signature_header=sign(WHSEC, MSG_ID, NOW + TOLERANCE + 1, BODY),
            expect="in_future",
        ),
        make_case(
            "timestamp_at_future_tolerance",
            "Exactly 300 s ahead is still accepted.",
            timestamp=str(NOW + TOLERANCE),
            signature_header=sign(WHSEC, MSG_ID, NOW + TOLERANCE, BODY),
            expect="ok",
        ),
        make_case(
            "stale_timestamp_checked_before_signature",
            "A stale timestamp is reported even when the signature is also wrong.",
            timestamp=str(NOW - 3600),
            signature_header=wrong,
            expect="too_old",
        ),
        make_case(
            "timestamp_leading_zero",
            "The signed content uses the timestamp as an integer, so a leading zero does not matter.",
            timestamp="0" + str(NOW),
            signature_header=good,
            expect="ok",
        ),
        make_case(
            "invalid_timestamp",
            "webhook-timestamp that is not a number.",
            timestamp="yesterday",
            signature_header=good,
            expect="invalid_timestamp",
        ),
        make_case(
            "missing_id",
            "No webhook-id header.",
            msg_id=None,
            signature_header=good,
            expect="missing_header",
            missing_header="webhook-id",
        ),
        make_case(
            "empty_id",
            "An empty webhook-id header counts as missing.",
            msg_id="",
            signature_header=good,
            expect="missing_header",
            missing_header="webhook-id",
        ),
        make_case(
            "missing_timestamp",
            "No webhook-timestamp header.",
            timestamp=None,
            signature_header=good,
            expect="missing_header",
            missing_header="webhook-timestamp",
        ),
        make_case(
            "missing_signature",
            "No webhook-signature header.",
            signature_header=None,
            expect="missing_header",
            missing_header="webhook-signature",
        ),
        make_case(
            "all_headers_missing",
            "No webhook headers at all; webhook-id is reported first.",
            msg_id=None,
            timestamp=None,
            signature_header=None,
            expect="missing_header",
            missing_header="webhook-id",
        ),
    ]
    cases.extend(polar_cases())
    cases.extend(non_base64_whsec_cases())
    names = [case["name"] for case in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return cases


# Secrets and deliveries per scheme, and the seed that makes them.
POLAR_SECRETS = 120
POLAR_SEED = 20_260_000
POLAR_EVENT_TYPES = [
    "checkout.created",
    "checkout.updated",
    "customer.created",
    "customer.state_changed",
    "order.created",
    "order.paid",
    "order.refunded",
    "subscription.active",
    "subscription.canceled",
    "subscription.updated",
    "benefit_grant.created",
    "refund.created",
]


def polar_cases() -> list[dict]:
    """Deliveries as Polar's server makes them, in both schemes, all valid,
    plus refusal cases derived from them."""
    rng = random.Random(POLAR_SEED)
    cases = []
    for scheme, form in (("polar_original", "raw"), ("polar_standard", "whsec")):
        other_form = "whsec" if form == "raw" else "raw"
        secrets_ = [generate_token(prefix=WEBHOOK_SECRET_PREFIX, choice=rng.choice) for _ in range(POLAR_SECRETS)]
        for index, secret in enumerate(secrets_):
            assert len(secret) == 49 and secret.startswith("whsec_") and secret[6:].isalnum(), secret
            msg_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            # Sent between 5 s ahead of the receiver's clock and 299 s behind it
            # (clock skew, queueing), with microseconds as `utc_now()` has them.
            sent = NOW - rng.randint(-5, 299)
            ts = datetime.fromtimestamp(sent, tz=timezone.utc).replace(microsecond=rng.randrange(1_000_000))
            event_type = rng.choice(POLAR_EVENT_TYPES)
            payload = json.dumps(
                {
                    "type": event_type,
                    "timestamp": ts.isoformat().replace("+00:00", "Z"),
                    "data": {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "amount": rng.randrange(100, 100_000),
                        "currency": "usd",
                        "metadata": {"note": rng.choice(["", "caf\u00e9", "\u6771\u4eac", "\U0001f600", 'a "quote"'])},
                    },
                },
                ensure_ascii=rng.random() < 0.5,
                separators=(",", ":"),
            )
            signature = polar_sign(secret, scheme, msg_id, ts, payload)
            base = dict(
                secret=secret,
                secret_form=form,
                msg_id=msg_id,
                timestamp=str(int(ts.timestamp())),
                signature_header=signature,
                body=payload,
                scheme=scheme,
            )
            name = f"{scheme}_{index:03}"
            cases.append(
                make_case(name, f"{event_type} delivery signed like Polar's server ({scheme}).", expect="ok", **base)
            )
            # Refusals, one kind per secret in turn (each kind about ten times per scheme).
            kind = index % 10
            if kind == 0:
                other = secrets_[index - 1]
                cases.append(
                    make_case(
                        f"{name}_wrong_secret",
                        "Signed by Polar with another endpoint's secret.",
                        expect="no_matching_signature",
                        **{**base, "signature_header": polar_sign(other, scheme, msg_id, ts, payload)},
                    )
                )
            elif kind == 1:
                cases.append(
                    make_case(
                        f"{name}_tampered_body",
                        "Body changed after Polar signed it.",
                        expect="no_matching_signature",
                        **{**base, "body": payload.replace('"currency":"usd"', '"currency":"eur"')},
                    )
                )
            elif kind == 2:
                cases.append(
                    make_case(
                        f"{name}_tampered_id",
                        "webhook-id changed after Polar signed the delivery.",
                        expect="no_matching_signature",
                        **{**base, "msg_id": str(uuid.UUID(int=rng.getrandbits(128), version=4))},
                    )
                )
            elif kind == 3:
                stale = datetime.fromtimestamp(NOW - TOLERANCE - 1 - rng.randrange(3600), tz=timezone.utc)
                stale_signature = polar_sign(secret, scheme, msg_id, stale, payload)
                cases.append(
                    make_case(
                        f"{name}_stale",
                        "Signed by Polar more than 300 s before the receiver's clock (a replay).",
                        expect="too_old",
                        **{**base, "timestamp": str(int(stale.timestamp())), "signature_header": stale_signature},
                    )
                )
            elif kind == 4:
                future = datetime.fromtimestamp(NOW + TOLERANCE + 1 + rng.randrange(3600), tz=timezone.utc)
                cases.append(
                    make_case(
                        f"{name}_future",
                        "Signed by Polar for a time more than 300 s after the receiver's clock.",
                        expect="in_future",
                        **{
                            **base,
                            "timestamp": str(int(future.timestamp())),
                            "signature_header": polar_sign(secret, scheme, msg_id, future, payload),
                        },
                    )
                )
            elif kind == 5:
                header = ["webhook-id", "webhook-timestamp", "webhook-signature"][index // 10 % 3]
                field = {"webhook-id": "msg_id", "webhook-timestamp": "timestamp", "webhook-signature": "signature_header"}
                cases.append(
                    make_case(
                        f"{name}_missing_{header.removeprefix('webhook-')}",
                        f"Polar's delivery without its {header} header.",
                        expect="missing_header",
                        missing_header=header,
                        **{**base, field[header]: None},
                    )
                )
            elif kind == 6:
                stripped = "whsec_" + base64.b64encode(secret.removeprefix("whsec_").encode()).decode()
                cases.append(
                    make_case(
                        f"{name}_key_without_prefix",
                        "Signed with the UTF-8 bytes of the text after `whsec_`: neither of Polar's keys.",
                        expect="no_matching_signature",
                        **{**base, "signature_header": Webhook(stripped).sign(msg_id, ts, payload)},
                    )
                )
            elif kind == 7:
                cases.append(
                    make_case(
                        f"{name}_other_scheme",
                        "Verified with only the other scheme's key: refused; `new` tries both and accepts.",
                        expect="no_matching_signature",
                        expect_new="ok",
                        **{**base, "secret_form": other_form},
                    )
                )
            elif kind == 8:
                cases.append(
                    make_case(
                        f"{name}_invalid_timestamp",
                        "webhook-timestamp as an ISO 8601 date instead of unix seconds.",
                        expect="invalid_timestamp",
                        **{**base, "timestamp": ts.isoformat()},
                    )
                )
            else:
                cases.append(
                    make_case(
                        f"{name}_signature_of_other_version",
                        "Polar's MAC under a version other than v1.",
                        expect="no_matching_signature",
                        **{**base, "signature_header": signature.replace("v1,", "v2,", 1)},
                    )
                )
    return cases


# `whsec_` secrets whose rest is not base64: an endpoint whose secret was set
# through the deprecated `secret` field can hold any text. Polar's server signs
# with the UTF-8 bytes of the whole secret, and Polar's SDKs (polar-sdk
# `_signing_keys`, @polar-sh/sdk `hmacKeys`) fall back to that key alone.
NON_BASE64_WHSEC = [
    "whsec_my-endpoint-secret",  # '-' is not in the standard alphabet
    "whsec_c2Vj$cmV0",  # a stray '$'
    "whsec_Zm9vYmFyX",  # base64 of the wrong length
    "whsec_====",  # only padding: an empty key
    "whsec_",  # nothing after the prefix
    "whsec_caf\u00e9 au lait",  # not ASCII, with a space
]


def non_base64_whsec_cases() -> list[dict]:
    """Deliveries signed like Polar's server under `whsec_` secrets that are not
    base64 after the prefix: valid under their raw key (`new` falls back to it)."""
    cases = []
    for index, secret in enumerate(NON_BASE64_WHSEC):
        ts = datetime.fromtimestamp(NOW - index, tz=timezone.utc)
        signature = polar_sign(secret, "polar_original", MSG_ID, ts, BODY)
        cases.append(
            make_case(
                f"non_base64_whsec_{index}",
                f"Signed by Polar's server under the secret {secret!r}, whose rest is not base64.",
                secret=secret,
                secret_form="raw",
                timestamp=str(NOW - index),
                signature_header=signature,
                expect="ok",
            )
        )
    return cases


def render() -> str:
    return json.dumps(build_cases(), indent=2, ensure_ascii=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output file is out of date")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args()

    installed = version("standardwebhooks")
    if installed != PINNED_VERSION:
        print(
            f"standardwebhooks {installed} is installed; these vectors are pinned to "
            f"{PINNED_VERSION} (see scripts/requirements-webhooks.txt)",
            file=sys.stderr,
        )
        return 2

    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date; rerun scripts/webhook_vectors.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
