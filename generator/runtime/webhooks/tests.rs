//! Tests of webhook verification: the Standard Webhooks vectors, secrets, headers, tolerance and, with `axum`, the extractor.

use super::*;

use serde_json::Value;

/// Produced by `scripts/webhook_vectors.py` with the reference
/// `standardwebhooks` Python package.
const VECTORS: &str = include_str!("../testdata/webhooks/vectors.json");

const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TIMESTAMP: i64 = 1_614_265_330;
const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const NOW: i64 = 1_700_000_000;
/// A secret without the `whsec_` prefix: one key, its UTF-8 bytes.
const RAW_SECRET: &str = "raw-secret-NotARealOne";
/// Shaped like the secrets Polar issues (`whsec_` + 37 random letters and
/// digits + a 6-character base62 CRC32); not a real one.
const POLAR_SECRET: &str = "whsec_OgY4gRWvK1nJaVm2s3TtQ9pXcE7bLzH5fUk0W2levgp";

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(RAW_SECRET).expect("valid secret")
}

fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> [(&'a str, &'a str); 3] {
    [(HEADER_ID, id), (HEADER_TIMESTAMP, timestamp), (HEADER_SIGNATURE, signature)]
}

fn outcome(result: &Result<(), WebhookError>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(WebhookError::MissingHeader(name)) => format!("missing_header:{name}"),
        Err(WebhookError::InvalidTimestamp(_)) => "invalid_timestamp".to_owned(),
        Err(WebhookError::TimestampTooOld { .. }) => "too_old".to_owned(),
        Err(WebhookError::TimestampInFuture { .. }) => "in_future".to_owned(),
        Err(WebhookError::InvalidSignatureHeader) => "invalid_signature_header".to_owned(),
        Err(WebhookError::NoMatchingSignature) => "no_matching_signature".to_owned(),
        Err(other) => format!("unexpected: {other}"),
    }
}

/// `webhook-id` -> `Webhook-Id`.
fn title_case_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn text<'v>(case: &'v Value, field: &str) -> &'v str {
    case[field].as_str().unwrap_or_else(|| panic!("{field} of {case} is not a string"))
}

fn optional_text<'v>(case: &'v Value, field: &str) -> Option<&'v str> {
    match &case[field] {
        Value::Null => None,
        value => Some(value.as_str().unwrap_or_else(|| panic!("{field} of {case}"))),
    }
}

#[test]
fn reference_vectors() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors.json parses");
    assert!(cases.len() >= 30, "only {} vectors", cases.len());
    let mut seen = std::collections::BTreeSet::new();
    let mut polar = BTreeMap::new();

    for case in &cases {
        let name = text(case, "name");
        let secret = text(case, "secret");
        let form = text(case, "secret_form");
        let body = text(case, "body").as_bytes();
        let now = case["now"].as_i64().expect("now is an integer");
        let expect = match text(case, "expect") {
            "missing_header" => format!("missing_header:{}", text(case, "missing_header")),
            other => other.to_owned(),
        };
        let expect_new = match text(case, "expect_new") {
            "missing_header" => expect.clone(),
            other => other.to_owned(),
        };
        seen.insert(text(case, "expect").to_owned());
        if let Some(scheme) = optional_text(case, "scheme") {
            *polar.entry((scheme.to_owned(), text(case, "expect") == "ok")).or_insert(0_usize) += 1;
            assert!(secret.starts_with(WHSEC_PREFIX) && secret.len() == 49, "{name}: {secret}");
        }

        let explicit = match form {
            "whsec" => WebhookVerifier::from_whsec(secret),
            "raw" => WebhookVerifier::from_raw_secret(secret),
            other => panic!("{name}: unknown secret_form {other}"),
        }
        .expect("explicit constructor");
        let verifiers = [
            WebhookVerifier::new(secret).expect("WebhookVerifier::new"),
            explicit,
            WebhookVerifier::from_whsec(text(case, "whsec_equivalent")).expect("whsec_equivalent"),
        ];

        let values = [
            (HEADER_ID, optional_text(case, "id")),
            (HEADER_TIMESTAMP, optional_text(case, "timestamp")),
            (HEADER_SIGNATURE, optional_text(case, "signature_header")),
        ];
        let mut header_map = http::HeaderMap::new();
        let mut title_case: Vec<(String, String)> = Vec::new();
        let mut upper_case: BTreeMap<String, String> = BTreeMap::new();
        let mut lower_case: HashMap<&str, &str> = HashMap::new();
        for (header, value) in values {
            let Some(value) = value else { continue };
            header_map.insert(header, http::HeaderValue::from_str(value).expect("header value"));
            title_case.push((title_case_name(header), value.to_owned()));
            upper_case.insert(header.to_ascii_uppercase(), value.to_owned());
            lower_case.insert(header, value);
        }

        for (index, verifier) in verifiers.iter().enumerate() {
            let results = [
                verifier.verify_at(&header_map, body, now),
                verifier.verify_at(&title_case, body, now),
                verifier.verify_at(&upper_case, body, now),
                verifier.verify_at(&lower_case, body, now),
            ];
            // `new` tries both keys of a Polar secret; the others have one.
            let expect = if index == 0 { &expect_new } else { &expect };
            for result in &results {
                assert_eq!(&outcome(result), expect, "{name} (verifier #{index})");
            }
        }

        // `sign` reproduces the reference signature for canonical timestamps.
        if let (Some(id), Some(timestamp), Some(signatures)) = (values[0].1, values[1].1, values[2].1) {
            let canonical = timestamp.parse::<i64>().ok().filter(|ts| ts.to_string() == timestamp);
            if let (Some(ts), "ok") = (canonical, expect.as_str()) {
                let ours = verifiers[1].sign(id, ts, body);
                assert!(signatures.split(' ').any(|entry| entry == ours), "{name}: {ours} not in {signatures}");
            }
        }
    }

    for kind in [
        "ok",
        "missing_header",
        "invalid_timestamp",
        "too_old",
        "in_future",
        "invalid_signature_header",
        "no_matching_signature",
    ] {
        assert!(seen.contains(kind), "no vector expects {kind}");
    }
    // At least 100 valid simulated Polar deliveries in each scheme, and refusals.
    for scheme in ["polar_original", "polar_standard"] {
        let valid = polar.get(&(scheme.to_owned(), true)).copied().unwrap_or_default();
        let refused = polar.get(&(scheme.to_owned(), false)).copied().unwrap_or_default();
        assert!(valid >= 100 && refused >= 50, "{scheme}: {valid} valid, {refused} refused");
    }
}

#[test]
fn spec_known_answer() {
    // The specification's example is signed with the standard key.
    let standard = WebhookVerifier::from_whsec(SPEC_SECRET).expect("secret");
    assert_eq!(standard.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), SPEC_SIGNATURE);
    let ts = SPEC_TIMESTAMP.to_string();
    let headers = headers(SPEC_ID, &ts, SPEC_SIGNATURE);
    assert_eq!(standard.verify_at(&headers, SPEC_BODY, SPEC_TIMESTAMP), Ok(()));
    // `new` verifies it too (either key), but signs as Polar's server does.
    let verifier = WebhookVerifier::new(SPEC_SECRET).expect("secret");
    assert_eq!(verifier.verify_at(&headers, SPEC_BODY, SPEC_TIMESTAMP), Ok(()));
    assert_ne!(verifier.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), SPEC_SIGNATURE);
}

/// `sign` of a verifier made with `new` from a Polar secret reproduces the signatures of
/// the simulated Polar server (`scripts/webhook_vectors.py` signs like
/// `server/polar/webhook/tasks.py`: `Webhook(base64(secret.encode()))`), byte for byte: a
/// test delivery signed with it is one Polar could have sent. Before, `new` signed with the
/// standard key, which Polar's server does not use for these secrets.
#[test]
fn new_signs_as_polars_server() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors.json parses");
    let mut checked = 0;
    for case in &cases {
        if case["scheme"] != "polar_original" || case["expect"] != "ok" {
            continue;
        }
        let (name, secret, body) = (text(case, "name"), text(case, "secret"), text(case, "body").as_bytes());
        let (id, signature) = (text(case, "id"), text(case, "signature_header"));
        let timestamp: i64 = text(case, "timestamp").parse().expect("timestamp");
        let verifier = WebhookVerifier::new(secret).expect("WebhookVerifier::new");
        assert_eq!(verifier.sign(id, timestamp, body), signature, "{name}");
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} simulated Polar deliveries");
}

#[test]
fn secret_forms() {
    // Raw: the key is the UTF-8 bytes of the string.
    let raw = WebhookVerifier::from_raw_secret(RAW_SECRET).expect("raw");
    let bytes = WebhookVerifier::from_key_bytes(RAW_SECRET.as_bytes()).expect("bytes");
    let whsec = format!("whsec_{}", STANDARD.encode(RAW_SECRET));
    let whsec = WebhookVerifier::from_whsec(&whsec).expect("whsec");
    let bare = WebhookVerifier::from_whsec(&STANDARD.encode(RAW_SECRET)).expect("bare");
    let expected = raw.sign("id", NOW, b"{}");
    for other in [&bytes, &whsec, &bare, &verifier()] {
        assert_eq!(other.sign("id", NOW, b"{}"), expected);
    }

    // `new` of a `whsec_` secret signs as Polar's server (the whole secret's bytes) and
    // verifies under the standard key (the base64 after the prefix) too.
    let key = b"0123456789abcdef0123456789abcdef";
    let secret = format!("whsec_{}", STANDARD.encode(key));
    let from_key = WebhookVerifier::from_key_bytes(key).expect("key");
    let auto = WebhookVerifier::new(&secret).expect("new");
    let whole = WebhookVerifier::from_raw_secret(&secret).expect("raw");
    assert_eq!(auto.sign("id", NOW, b""), whole.sign("id", NOW, b""));
    let ts = NOW.to_string();
    assert_eq!(auto.verify_at(&headers("id", &ts, &from_key.sign("id", NOW, b"")), b"", NOW), Ok(()));

    // A `whsec_` secret that is not base64 after the prefix has its raw key alone under
    // `new`, as under the explicit constructor (Polar's SDKs fall back the same way).
    let forced = WebhookVerifier::from_raw_secret("whsec_not base64!").expect("raw");
    let by_bytes = WebhookVerifier::from_key_bytes(b"whsec_not base64!").expect("bytes");
    let fallback = WebhookVerifier::new("whsec_not base64!").expect("new");
    assert_eq!(forced.sign("id", 1, b"x"), by_bytes.sign("id", 1, b"x"));
    assert_eq!(forced.sign("id", 1, b"x"), fallback.sign("id", 1, b"x"));
    assert_eq!(format!("{forced:?}"), "WebhookVerifier { keys: 1, tolerance: 300s, .. }");
    // So is a copy with a trailing newline: used exactly as given, it matches nothing.
    let newline = WebhookVerifier::new(&format!("{POLAR_SECRET}\n")).expect("new");
    assert_eq!(format!("{newline:?}"), "WebhookVerifier { keys: 1, tolerance: 300s, .. }");

    // A raw secret is not trimmed.
    let padded = WebhookVerifier::new("secret\n").expect("raw");
    let trimmed = WebhookVerifier::new("secret").expect("raw");
    assert_ne!(padded.sign("id", 1, b"x"), trimmed.sign("id", 1, b"x"));
}

#[test]
fn invalid_secrets_are_rejected_without_echo() {
    assert!(matches!(WebhookVerifier::new(""), Err(WebhookError::InvalidSecret(_))));
    for secret in ["whsec_", "whsec_====", "whsec_c2Vj$cmV0", "whsec_c2VjcmV0 ", "whsec_Zm9vYmFyX"] {
        let err = WebhookVerifier::from_whsec(secret).expect_err(secret);
        assert!(matches!(err, WebhookError::InvalidSecret(_)), "{secret}: {err:?}");
        let message = err.to_string();
        let body = secret.trim_start_matches("whsec_");
        if !body.is_empty() {
            assert!(!message.contains(body), "{message} echoes {secret}");
            assert!(!format!("{err:?}").contains(body));
        }
    }
    // `new` and the explicit constructor take them as raw secrets (the key Polar's
    // server signs with), as Polar's SDKs do.
    for secret in ["whsec_", "whsec_====", "whsec_c2Vj$cmV0", "whsec_c2VjcmV0 ", "whsec_Zm9vYmFyX"] {
        let raw = WebhookVerifier::from_raw_secret(secret).expect(secret);
        let bytes = WebhookVerifier::from_key_bytes(secret.as_bytes()).expect(secret);
        let new = WebhookVerifier::new(secret).expect(secret);
        assert_eq!(raw.sign("id", 1, b"x"), bytes.sign("id", 1, b"x"), "{secret}");
        assert_eq!(raw.sign("id", 1, b"x"), new.sign("id", 1, b"x"), "{secret}");
        assert_eq!(format!("{new:?}"), "WebhookVerifier { keys: 1, tolerance: 300s, .. }");
    }
    assert!(WebhookVerifier::from_key_bytes(&[]).is_err());
    assert!(WebhookVerifier::from_raw_secret("").is_err());
    assert!(WebhookVerifier::from_whsec("").is_err());
}

#[test]
fn debug_hides_the_key() {
    let secret = "whsec_c3VwZXItc2VjcmV0LWtleQ==";
    let verifier = WebhookVerifier::new(secret).expect("secret");
    let debug = format!("{verifier:?}");
    assert_eq!(debug, "WebhookVerifier { keys: 2, tolerance: 300s, .. }");
    for needle in ["c3VwZXItc2VjcmV0LWtleQ", "super-secret-key", "115, 117, 112"] {
        assert!(!debug.contains(needle), "{debug}");
    }
    let raw = format!("{:?}", WebhookVerifier::new(RAW_SECRET).expect("raw"));
    assert!(!raw.contains(RAW_SECRET), "{raw}");
}

#[test]
fn tolerance_is_configurable() {
    let verifier = verifier().with_tolerance(Duration::from_millis(10_900));
    assert_eq!(verifier.tolerance(), Duration::from_millis(10_900));
    let check = |ts: i64| {
        let sig = verifier.sign("id", ts, b"{}");
        let ts = ts.to_string();
        verifier.verify_at(&headers("id", &ts, &sig), b"{}", NOW)
    };
    assert_eq!(check(NOW - 10), Ok(()));
    assert_eq!(check(NOW + 10), Ok(()));
    assert_eq!(
        check(NOW - 11),
        Err(WebhookError::TimestampTooOld { timestamp: NOW - 11, now: NOW, tolerance_secs: 10 })
    );
    assert_eq!(
        check(NOW + 11),
        Err(WebhookError::TimestampInFuture { timestamp: NOW + 11, now: NOW, tolerance_secs: 10 })
    );

    let strict = verifier.with_tolerance(Duration::ZERO);
    let sig = strict.sign("id", NOW, b"{}");
    let ts = NOW.to_string();
    assert_eq!(strict.verify_at(&headers("id", &ts, &sig), b"{}", NOW), Ok(()));
    assert!(strict.verify_at(&headers("id", &ts, &sig), b"{}", NOW + 1).is_err());
    assert_eq!(WebhookVerifier::new("x").expect("raw").tolerance(), DEFAULT_TOLERANCE);
}

#[test]
fn verifies_against_the_system_clock() {
    let verifier = verifier();
    let now = unix_now();
    let ts = now.to_string();
    let sig = verifier.sign("msg_1", now, b"{}");
    assert_eq!(verifier.verify(&headers("msg_1", &ts, &sig), b"{}"), Ok(()));
    let old = (now - 3600).to_string();
    let old_sig = verifier.sign("msg_1", now - 3600, b"{}");
    assert!(matches!(
        verifier.verify(&headers("msg_1", &old, &old_sig), b"{}"),
        Err(WebhookError::TimestampTooOld { .. })
    ));
}

#[test]
fn signature_header_parsing() {
    let verifier = verifier();
    let ts = NOW.to_string();
    let good = verifier.sign("id", NOW, b"{}");
    let mac = good.trim_start_matches("v1,");
    let check = |signature: &str| verifier.verify_at(&headers("id", &ts, signature), b"{}", NOW);

    // Extra whitespace and malformed neighbours do not hide a valid entry.
    assert_eq!(check(&format!("  {good}\t\t{good}  ")), Ok(()));
    assert_eq!(check(&format!("garbage v1 ,, {good}")), Ok(()));
    assert_eq!(check(&format!("v2,{mac} v1,!!! v1, {good}")), Ok(()));
    // Only exactly `v1`, and only canonical padded base64 of the full MAC.
    for bad in [
        format!("V1,{mac}"),
        format!(" v1,{mac}x"),
        format!("v1,{}", mac.trim_end_matches('=')),
        format!("v1,{}", &mac[..40]),
        format!("v1,{mac}{mac}"),
        format!("v1,,{mac}"),
        format!("v1,{}", "A".repeat(10_000)),
        "v1,".to_owned(),
    ] {
        assert_eq!(check(&bad), Err(WebhookError::NoMatchingSignature), "{bad}");
    }
    for malformed in ["v1", "   ", "\t", "garbage", mac] {
        assert_eq!(check(malformed), Err(WebhookError::InvalidSignatureHeader), "{malformed:?}");
    }
    assert_eq!(check(""), Err(WebhookError::MissingHeader(HEADER_SIGNATURE)));
}

#[test]
fn timestamp_parsing() {
    let verifier = verifier();
    let good = verifier.sign("id", NOW, b"{}");
    let check = |ts: &str| verifier.verify_at(&headers("id", ts, &good), b"{}", NOW);
    assert_eq!(check(&format!(" {NOW}\t")), Ok(()));
    assert_eq!(check(&format!("000{NOW}")), Ok(()));
    for bad in [
        format!("+{NOW}"),
        format!("-{NOW}"),
        format!("{NOW}.0"),
        format!("{NOW}s"),
        "1e9".to_owned(),
        " ".to_owned(),
        "9".repeat(30),
        "１７００".to_owned(),
    ] {
        assert!(matches!(check(&bad), Err(WebhookError::InvalidTimestamp(_))), "{bad:?}: {:?}", check(&bad));
    }
    assert_eq!(check(""), Err(WebhookError::MissingHeader(HEADER_TIMESTAMP)));
    // Extreme clocks and timestamps do not overflow.
    let far = i64::MAX.to_string();
    assert!(matches!(
        verifier.verify_at(&headers("id", &far, &good), b"{}", i64::MIN),
        Err(WebhookError::TimestampInFuture { .. })
    ));
    assert!(matches!(
        verifier.verify_at(&headers("id", "0", &good), b"{}", i64::MAX),
        Err(WebhookError::TimestampTooOld { .. })
    ));
}

#[test]
fn invalid_timestamp_message_is_short_and_escaped() {
    let hostile = format!("\u{1b}[31m\n{}", "x".repeat(10_000));
    let err = verifier().verify_at(&headers("id", &hostile, "v1,AAAA"), b"", NOW).expect_err("invalid");
    let message = err.to_string();
    assert!(message.len() < 200, "{message}");
    assert!(!message.contains('\u{1b}') && !message.contains('\n'), "{message}");
}

#[test]
fn hostile_header_bytes_do_not_panic() {
    let verifier = verifier();
    let mut map = http::HeaderMap::new();
    let opaque = http::HeaderValue::from_bytes(b"\xff\xfe\x80 v1,\xc3\x28").expect("obs-text");
    map.insert(HEADER_ID, opaque.clone());
    map.insert(HEADER_TIMESTAMP, opaque.clone());
    map.insert(HEADER_SIGNATURE, opaque.clone());
    assert!(matches!(verifier.verify_at(&map, b"\xff", NOW), Err(WebhookError::InvalidTimestamp(_))));

    // A non-UTF-8 id is signed byte for byte.
    let id = b"\xffmsg";
    let mut mac = HmacSha256::new_from_slice(RAW_SECRET.as_bytes()).expect("key");
    mac.update(id);
    mac.update(format!(".{NOW}.").as_bytes());
    mac.update(b"{}");
    let sig = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    map.insert(HEADER_ID, http::HeaderValue::from_bytes(id).expect("obs-text"));
    map.insert(HEADER_TIMESTAMP, http::HeaderValue::from(NOW));
    map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&sig).expect("ascii"));
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Ok(()));

    // Huge signature headers: rejected, no panic.
    map.insert(HEADER_SIGNATURE, opaque);
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::NoMatchingSignature));
    let huge = format!("{} ", sig.replace("v1,", "v1,A")).repeat(20_000);
    map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&huge).expect("ascii"));
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::NoMatchingSignature));
    map.insert(HEADER_SIGNATURE, http::HeaderValue::from_str(&"v".repeat(100_000)).expect("ascii"));
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::InvalidSignatureHeader));

    // Empty id.
    map.insert(HEADER_ID, http::HeaderValue::from_static(""));
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Err(WebhookError::MissingHeader(HEADER_ID)));
}

#[test]
fn header_lookup_implementations() {
    let verifier = verifier();
    let ts = NOW.to_string();
    let sig = verifier.sign("id", NOW, b"{}");

    let slice: &[(&str, &str)] = &[
        ("Content-Type", "application/json"),
        ("WEBHOOK-ID", "id"),
        ("Webhook-Timestamp", &ts),
        ("webhook-signature", &sig),
    ];
    assert_eq!(verifier.verify_at(slice, b"{}", NOW), Ok(()));
    assert_eq!(verifier.verify_at(&slice, b"{}", NOW), Ok(()));

    let owned: Vec<(String, String)> = slice.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    assert_eq!(verifier.verify_at(&owned, b"{}", NOW), Ok(()));

    let hash: HashMap<String, String> = owned.iter().cloned().collect();
    assert_eq!(verifier.verify_at(&hash, b"{}", NOW), Ok(()));
    let btree: BTreeMap<String, String> = owned.iter().cloned().collect();
    assert_eq!(verifier.verify_at(&btree, b"{}", NOW), Ok(()));
    let values: HashMap<&str, http::HeaderValue> =
        slice.iter().map(|(k, v)| (*k, http::HeaderValue::from_str(v).expect("ascii"))).collect();
    assert_eq!(verifier.verify_at(&values, b"{}", NOW), Ok(()));

    // Maps prefer the exactly-lowercase key.
    let mut both: BTreeMap<&str, &str> = slice.iter().copied().collect();
    both.insert("Webhook-Id", "other");
    both.insert("webhook-id", "id");
    assert_eq!(verifier.verify_at(&both, b"{}", NOW), Ok(()));
    assert_eq!(slice.header("content-type"), Some(&b"application/json"[..]));
    assert_eq!(slice.header("x-missing"), None);

    let mut map = http::HeaderMap::new();
    for (name, value) in slice {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            http::HeaderValue::from_str(value).expect("value"),
        );
    }
    assert_eq!(verifier.verify_at(&map, b"{}", NOW), Ok(()));
    assert_eq!(verifier.verify_and_decode_at::<Value>(&&map, b"{}", NOW), Ok(Value::Object(serde_json::Map::new())));
}

#[test]
fn verify_and_decode() {
    let verifier = verifier();
    let ts = NOW.to_string();
    let decode = |body: &str| -> Result<BTreeMap<String, Vec<u32>>, WebhookError> {
        let sig = verifier.sign("id", NOW, body.as_bytes());
        verifier.verify_and_decode_at(&headers("id", &ts, &sig), body.as_bytes(), NOW)
    };

    let decoded = decode(r#"{"a":[1,2],"b":[]}"#).expect("valid");
    assert_eq!(decoded["a"], vec![1, 2]);
    assert_eq!(
        decode(r#"{"a":[1,"two"]}"#),
        Err(WebhookError::Decode {
            path: "a[1]".to_owned(),
            message: "invalid type: string \"two\", expected u32 at line 1 column 13".to_owned(),
        })
    );
    assert!(matches!(
        decode(r#"{"a":[]} trailing"#),
        Err(WebhookError::Decode { ref path, .. }) if path == "."
    ));
    assert!(matches!(decode(""), Err(WebhookError::Decode { .. })));

    // The signature is checked before the body is parsed.
    let sig = verifier.sign("id", NOW, b"{}");
    let result: Result<Value, _> = verifier.verify_and_decode_at(&headers("id", &ts, &sig), b"not json", NOW);
    assert_eq!(result, Err(WebhookError::NoMatchingSignature));

    // Against the system clock.
    let now = unix_now();
    let sig = verifier.sign("id", now, br#"{"type":"order.paid"}"#);
    let now = now.to_string();
    let event: Value =
        verifier.verify_and_decode(&headers("id", &now, &sig), br#"{"type":"order.paid"}"#).expect("valid");
    assert_eq!(event["type"], "order.paid");
}

#[test]
fn sign_format() {
    let signature = verifier().sign("msg", NOW, b"body");
    let mac = signature.strip_prefix("v1,").expect("v1 prefix");
    assert_eq!(mac.len(), 44);
    assert_eq!(STANDARD.decode(mac).expect("base64").len(), 32);
    assert_ne!(verifier().sign("msg", NOW + 1, b"body"), signature);
}

#[test]
fn error_messages() {
    let cases = [
        (WebhookError::MissingHeader(HEADER_ID), "missing or empty `webhook-id` header"),
        (
            WebhookError::InvalidTimestamp("\"abc\"".to_owned()),
            "`webhook-timestamp` header is not a unix timestamp in seconds: \"abc\"",
        ),
        (
            WebhookError::TimestampTooOld { timestamp: 1, now: 400, tolerance_secs: 300 },
            "webhook timestamp 1 is more than 300 s before the current time 400",
        ),
        (
            WebhookError::TimestampInFuture { timestamp: 400, now: 1, tolerance_secs: 300 },
            "webhook timestamp 400 is more than 300 s after the current time 1",
        ),
        (WebhookError::InvalidSignatureHeader, "`webhook-signature` header contains no `version,signature` entry"),
        (WebhookError::NoMatchingSignature, "no v1 signature in the `webhook-signature` header matches the payload"),
        (WebhookError::InvalidSecret("the key is empty".to_owned()), "invalid webhook secret: the key is empty"),
        (
            WebhookError::Decode { path: "data.id".to_owned(), message: "bad".to_owned() },
            "webhook payload could not be decoded at `data.id`: bad",
        ),
    ];
    for (err, message) in cases {
        assert_eq!(err.to_string(), message);
    }
}

/// CRC-32 (IEEE), as Python's `zlib.crc32`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A secret made like Polar's `generate_token(prefix="whsec_")`, from a
/// deterministic generator instead of `secrets.choice`.
fn polar_shaped_secret(state: &mut u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let token: String = (0..37)
        .map(|_| {
            // xorshift64
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            char::from(ALPHABET[usize::try_from(*state % 62).expect("small")])
        })
        .collect();
    let mut checksum = crc32(token.as_bytes());
    let mut encoded = Vec::new();
    while checksum > 0 {
        encoded.push(BASE62[usize::try_from(checksum % 62).expect("small")]);
        checksum /= 62;
    }
    encoded.resize(6, b'0');
    encoded.reverse();
    format!("whsec_{token}{}", String::from_utf8(encoded).expect("ascii"))
}

#[test]
fn polar_secret_checksum() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    // POLAR_SECRET ends in the base62 CRC32 of its 37 random characters.
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let (token, checksum) = POLAR_SECRET[6..].split_at(37);
    let decoded = checksum.bytes().fold(0_u64, |acc, digit| {
        acc * 62 + u64::try_from(BASE62.iter().position(|&c| c == digit).expect("base62")).expect("small")
    });
    assert_eq!(decoded, u64::from(crc32(token.as_bytes())));
}

#[test]
fn new_accepts_every_polar_shaped_secret_with_both_keys() {
    let mut state = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2_000 {
        let secret = polar_shaped_secret(&mut state);
        assert_eq!(secret.len(), 49);
        let verifier = WebhookVerifier::new(&secret).unwrap_or_else(|err| panic!("{secret}: {err}"));
        assert_eq!(format!("{verifier:?}"), "WebhookVerifier { keys: 2, tolerance: 300s, .. }", "{secret}");
        let standard = WebhookVerifier::from_whsec(&secret).unwrap_or_else(|err| panic!("{secret}: {err}"));
        let original = WebhookVerifier::from_raw_secret(&secret).expect("raw");
        assert_eq!(verifier.sign("id", NOW, b"{}"), original.sign("id", NOW, b"{}"), "signs as Polar's server");
        assert_ne!(verifier.sign("id", NOW, b"{}"), standard.sign("id", NOW, b"{}"));
    }
    // Whatever the last character (and so its bits beyond the 32-byte key).
    let stem = &POLAR_SECRET[..POLAR_SECRET.len() - 1];
    let mut keys = std::collections::BTreeSet::new();
    for last in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
        let secret = format!("{stem}{last}");
        assert!(WebhookVerifier::new(&secret).is_ok(), "{secret}");
        let standard = WebhookVerifier::from_whsec(&secret).unwrap_or_else(|err| panic!("{secret}: {err}"));
        keys.insert(standard.sign("id", NOW, b"{}"));
    }
    // The last character adds 4 bits to the key: 16 distinct keys.
    assert_eq!(keys.len(), 16);
}

#[test]
fn polar_secret_verifies_under_either_key() {
    let ts = NOW.to_string();
    let body = br#"{"type":"order.paid","data":{}}"#;
    let both = WebhookVerifier::new(POLAR_SECRET).expect("new");
    let original = WebhookVerifier::from_raw_secret(POLAR_SECRET).expect("raw");
    let standard = WebhookVerifier::from_whsec(POLAR_SECRET).expect("whsec");
    // Polar's original key is the UTF-8 bytes of the whole secret.
    let mut mac = HmacSha256::new_from_slice(POLAR_SECRET.as_bytes()).expect("key");
    mac.update(format!("msg.{NOW}.").as_bytes());
    mac.update(body);
    let by_hand = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(original.sign("msg", NOW, body), by_hand);

    let original_sig = original.sign("msg", NOW, body);
    let standard_sig = standard.sign("msg", NOW, body);
    assert_ne!(original_sig, standard_sig);
    // `new` signs as Polar's server does: the original key.
    assert_eq!(both.sign("msg", NOW, body), original_sig);
    let check = |verifier: &WebhookVerifier, sig: &str| verifier.verify_at(&headers("msg", &ts, sig), body, NOW);
    assert_eq!(check(&both, &original_sig), Ok(()));
    assert_eq!(check(&both, &standard_sig), Ok(()));
    assert_eq!(check(&both, &format!("v1,AAAA {original_sig}")), Ok(()));
    assert_eq!(check(&original, &original_sig), Ok(()));
    assert_eq!(check(&standard, &standard_sig), Ok(()));
    assert_eq!(check(&original, &standard_sig), Err(WebhookError::NoMatchingSignature));
    assert_eq!(check(&standard, &original_sig), Err(WebhookError::NoMatchingSignature));
    // Neither key accepts a tampered body.
    for sig in [&original_sig, &standard_sig] {
        assert_eq!(both.verify_at(&headers("msg", &ts, sig), b"{}", NOW), Err(WebhookError::NoMatchingSignature));
    }
    // Padded, the standard form decodes to the same key.
    let padded = WebhookVerifier::from_whsec(&format!("{POLAR_SECRET}=")).expect("padded");
    assert_eq!(padded.sign("msg", NOW, body), standard_sig);
}

#[test]
fn statuses() {
    let cases = [
        (WebhookError::MissingHeader(HEADER_ID), 401),
        (WebhookError::InvalidTimestamp(String::new()), 401),
        (WebhookError::TimestampTooOld { timestamp: 0, now: 1_000, tolerance_secs: 300 }, 401),
        (WebhookError::TimestampInFuture { timestamp: 1_000, now: 0, tolerance_secs: 300 }, 401),
        (WebhookError::InvalidSignatureHeader, 401),
        (WebhookError::NoMatchingSignature, 401),
        (WebhookError::Decode { path: ".".to_owned(), message: String::new() }, 400),
        (WebhookError::InvalidSecret(String::new()), 500),
    ];
    for (err, status) in cases {
        assert_eq!(err.status().as_u16(), status, "{err:?}");
    }
}

#[test]
fn verify_request_keeps_id_and_timestamp() {
    let verifier = WebhookVerifier::new(POLAR_SECRET).expect("secret");
    let now = unix_now();
    let body = br#"{"type":"order.paid"}"#.to_vec();
    let request = |signature: &str, body: Vec<u8>| {
        http::Request::post("/webhooks")
            .header("Webhook-Id", "msg_1")
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .expect("request")
    };
    let good = verifier.sign("msg_1", now, &body);
    let delivery: VerifiedWebhook<Value> = verifier.verify_request(&request(&good, body.clone())).expect("valid");
    assert_eq!(delivery.id, "msg_1");
    assert_eq!(delivery.timestamp, now);
    assert_eq!(delivery.payload["type"], "order.paid");
    // Any buffered body type.
    let text = request(&good, body.clone()).map(|b| String::from_utf8(b).expect("utf-8"));
    assert!(verifier.verify_request::<Value, _>(&text).is_ok());
    let bytes = request(&good, body.clone()).map(bytes::Bytes::from);
    assert!(verifier.verify_request::<Value, _>(&bytes).is_ok());

    let err = verifier.verify_request::<Value, _>(&request(&good, b"{}".to_vec())).expect_err("tampered");
    assert_eq!((err.status().as_u16(), err), (401, WebhookError::NoMatchingSignature));
    let unsigned = http::Request::post("/webhooks").body(body.clone()).expect("request");
    assert_eq!(verifier.verify_request::<Value, _>(&unsigned), Err(WebhookError::MissingHeader(HEADER_ID)));
    let not_json = b"not json".to_vec();
    let err = verifier
        .verify_request::<Value, _>(&request(&verifier.sign("msg_1", now, &not_json), not_json))
        .expect_err("undecodable");
    assert!(matches!(err, WebhookError::Decode { .. }), "{err:?}");
    assert_eq!(err.status().as_u16(), 400);

    // Parts and body, the same checks.
    let (parts, body) = request(&good, body).into_parts();
    let delivery: VerifiedWebhook<Value> = verifier.verify_delivery_at(&parts.headers, &body, now).expect("parts");
    assert_eq!(delivery.id, "msg_1");
    assert_eq!(
        verifier.verify_delivery_at::<Value>(&parts.headers, &body, now + 301),
        Err(WebhookError::TimestampTooOld { timestamp: now, now: now + 301, tolerance_secs: 300 })
    );
}

#[cfg(feature = "axum")]
mod axum_extractor {
    use axum::body::Body;
    use axum::extract::{FromRef, FromRequest};
    use axum::response::IntoResponse;

    use super::*;

    #[derive(Clone)]
    struct AppState {
        verifier: WebhookVerifier,
    }

    impl FromRef<AppState> for WebhookVerifier {
        fn from_ref(state: &AppState) -> Self {
            state.verifier.clone()
        }
    }

    fn request(id: &str, timestamp: i64, signature: &str, body: &'static [u8]) -> axum::extract::Request {
        http::Request::post("/webhooks")
            .header(HEADER_ID, id)
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(HEADER_SIGNATURE, signature)
            .body(Body::from(body))
            .expect("request")
    }

    async fn extract(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<VerifiedWebhook<Value>, WebhookRejection> {
        VerifiedWebhook::from_request(request, state).await
    }

    async fn body_text(response: axum::response::Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn extracts_a_verified_delivery_from_state() {
        let state = AppState { verifier: WebhookVerifier::new(POLAR_SECRET).expect("secret") };
        let now = unix_now();
        let body: &[u8] = br#"{"type":"order.paid","data":{"id":"o_1"}}"#;
        // Signed with Polar's original key (the whole secret's bytes).
        let original = WebhookVerifier::from_raw_secret(POLAR_SECRET).expect("raw");
        let delivery =
            extract(request("msg_9", now, &original.sign("msg_9", now, body), body), &state).await.expect("verified");
        assert_eq!((delivery.id.as_str(), delivery.timestamp), ("msg_9", now));
        assert_eq!(delivery.payload["data"]["id"], "o_1");

        // The state may also be the verifier itself.
        let sig = state.verifier.sign("msg_9", now, body);
        let delivery: VerifiedWebhook<Value> =
            VerifiedWebhook::from_request(request("msg_9", now, &sig, body), &state.verifier)
                .await
                .expect("verifier as state");
        assert_eq!(delivery.payload["type"], "order.paid");
    }

    #[tokio::test]
    async fn rejections_answer_401_or_400() {
        let state = AppState { verifier: WebhookVerifier::new(POLAR_SECRET).expect("secret") };
        let now = unix_now();
        let body: &[u8] = br#"{"type":"order.paid"}"#;
        let good = state.verifier.sign("msg", now, body);
        let other = WebhookVerifier::new("whsec_someoneElsesSecret0000000000000000000000000").expect("other");
        let not_json: &[u8] = b"{not json";
        let cases = [
            (request("msg", now, &good, b"{}"), 401, WebhookError::NoMatchingSignature),
            (request("msg", now, &other.sign("msg", now, body), body), 401, WebhookError::NoMatchingSignature),
            (
                request("msg", now - 3600, &state.verifier.sign("msg", now - 3600, body), body),
                401,
                WebhookError::TimestampTooOld { timestamp: now - 3600, now, tolerance_secs: 300 },
            ),
            (request("msg", now, "", body), 401, WebhookError::MissingHeader(HEADER_SIGNATURE)),
            (request("msg", now, &state.verifier.sign("msg", now, not_json), not_json), 400, {
                WebhookError::Decode { path: String::new(), message: String::new() }
            }),
        ];
        for (request, status, expected) in cases {
            let rejection = extract(request, &state).await.expect_err("refused");
            let err = rejection.webhook_error().expect("a webhook error").clone();
            match (&err, &expected) {
                (WebhookError::Decode { .. }, WebhookError::Decode { .. }) => {}
                // The clock may tick between signing and checking.
                (WebhookError::TimestampTooOld { timestamp, .. }, WebhookError::TimestampTooOld { .. }) => {
                    assert_eq!(*timestamp, now - 3600);
                }
                _ => assert_eq!(err, expected),
            }
            assert_eq!(rejection.to_string(), err.to_string());
            let response = rejection.into_response();
            assert_eq!(response.status().as_u16(), status, "{err:?}");
            let text = body_text(response).await;
            assert_eq!(text, format!("{err}\n"));
            assert!(!text.contains(&POLAR_SECRET[6..]), "{text}");
        }
    }
}

#[test]
fn auto_traits() {
    fn assert_traits<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
    assert_traits::<WebhookVerifier>();
    assert_traits::<WebhookError>();
    let _: &dyn std::error::Error = &WebhookError::NoMatchingSignature;
}
