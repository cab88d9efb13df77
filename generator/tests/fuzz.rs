//! Mutation fuzzing: `codegen::generate` returns `Ok` or `Err` for any input — it never
//! panics and never hangs — and whatever it accepts renders to Rust that parses.
//!
//! Seeds are the valid specs of `tests/data/specs/` and `tests/data/fixtures/`, plus the
//! Polar spec (2.7 MB, so only about one case in 250 uses it). Each case applies 1–3 random
//! mutations from a seeded xorshift RNG: dropped keys, swapped JSON types, dangling, cyclic,
//! self and into-property `$ref`s, long `$ref` chains, absurd names (empty, 10 KB, symbols,
//! unicode, keywords, digits, case-fold duplicates), huge enums, deep nesting, then sometimes
//! byte-level damage (truncation, non-UTF-8 bytes, empty input) on the JSON or YAML text.
//! Odd-numbered cases run with `Options::lenient` (reference repairs instead of refusals).
//! Every case runs on its own thread (8 MB stack, like a main thread) with a 10 s limit.
//!
//! - `fuzz_quick` (in `cargo test`): 1,000 cases.
//! - `fuzz_full` (`#[ignore]`; `cargo xtask fuzz` runs it): `FUZZ_CASES` cases (default
//!   10,000), release mode recommended.
//! - `FUZZ_SEED` changes the RNG seed; `FUZZ_CASE=<n>` replays one case and prints its input.
//!   Failing inputs are written to `$CARGO_TARGET_TMPDIR/fuzz-failures/`.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);
const STACK: usize = 8 << 20;
const DEFAULT_SEED: u64 = 0x5EED_0F0A_2026;

/// xorshift64*: tiny, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Seed {
    name: String,
    value: Value,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seeds() -> (Vec<Seed>, Option<Seed>) {
    let mut out = Vec::new();
    for dir in ["tests/data/specs", "tests/data/fixtures"] {
        let mut files: Vec<_> = std::fs::read_dir(manifest_dir().join(dir))
            .expect("seed folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).expect("read seed");
            let doc = codegen::load::parse(&name, &bytes).unwrap_or_else(|e| panic!("seed {name}: {e}"));
            out.push(Seed { name, value: doc.value });
        }
    }
    let polar = manifest_dir().join("../spec/polar-2026-10.openapi.json");
    let polar = std::fs::read(&polar).ok().map(|bytes| {
        let doc = codegen::load::parse("polar.json", &bytes).expect("the Polar spec loads");
        Seed { name: "polar-2026-10.openapi.json".to_owned(), value: doc.value }
    });
    (out, polar)
}

// ---- mutations ----

const KEYWORDS: &[&str] =
    &["type", "self", "Self", "super", "crate", "_", "fn", "async", "r#type", "mod", "Option", "Value"];

fn absurd_name(rng: &mut Rng, siblings: &[String]) -> String {
    match rng.below(9) {
        0 => String::new(),
        1 => "x".repeat(10 * 1024),
        2 => rng
            .pick(&["$$$", "***", "-", "+", "/", "~", "~1", "#", "{}", " ", "\t\n", "\"", "\\", "%20", ".."])
            .to_string(),
        3 => rng.pick(&["日本", "Ünïcödé", "é", "🦀", "\u{200b}", "\u{0}", "ß", "İ"]).to_string(),
        4 => rng.pick(KEYWORDS).to_string(),
        5 => rng.pick(&["0", "123", "1st", "-1", "+1", "1e9", "0x1"]).to_string(),
        // Duplicates after case folding / punctuation of a sibling.
        6 if !siblings.is_empty() => {
            let s = rng.pick(siblings).clone();
            match rng.below(4) {
                0 => s.to_uppercase(),
                1 => s.to_lowercase(),
                2 => s.replace(['_', '-'], "."),
                _ => format!("{s}_"),
            }
        }
        7 => "$ref".to_owned(),
        _ => "fooBar foo_bar FOO-BAR".split(' ').nth(rng.below(3)).unwrap_or("x").to_owned(),
    }
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(-1),
        3 => json!(1e308),
        4 => json!(rng.pick(&["", "#", "#/", "3.1.0", "string", "object", "../x", "#/components/schemas/"])),
        5 => json!([]),
        6 => json!({}),
        7 => json!([null, 1, "a", {}]),
        _ => json!({"$ref": "#/components/schemas/DoesNotExist"}),
    }
}

fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    let components = components.as_object_mut()?;
    components.entry("schemas").or_insert_with(|| json!({})).as_object_mut()
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// A random node: a random walk from the root that stops early a quarter of the time.
fn random_node<'a>(rng: &mut Rng, mut node: &'a mut Value) -> &'a mut Value {
    loop {
        if rng.chance(20) {
            return node;
        }
        let len = match &*node {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if len == 0 {
            return node;
        }
        let i = rng.below(len);
        node = match node {
            Value::Object(m) => m.values_mut().nth(i).expect("in range"),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
}

fn nested(depth: usize, kind: usize) -> Value {
    let mut v = json!({"type": "string"});
    for _ in 0..depth {
        v = match kind {
            0 => json!({"type": "object", "properties": {"a": v}}),
            1 => json!({"type": "array", "items": v}),
            _ => json!({"anyOf": [v, {"type": "null"}]}),
        };
    }
    v
}

/// Applies one mutation; returns its description.
fn mutate(rng: &mut Rng, doc: &mut Value, allow_huge: bool) -> String {
    let names = schema_names(doc);
    match rng.below(14) {
        0 | 1 => {
            let node = random_node(rng, doc);
            if let Value::Object(m) = node {
                if !m.is_empty() {
                    let key = m.keys().nth(rng.below(m.len())).cloned().expect("key");
                    m.shift_remove(&key);
                    return format!("drop key {key:?}");
                }
            }
            "drop key (none)".into()
        }
        2 | 3 => {
            let node = random_node(rng, doc);
            *node = random_value(rng);
            format!("swap type -> {}", truncate(&node.to_string()))
        }
        4 => {
            let node = random_node(rng, doc);
            let target = rng.pick(&[
                "#/components/schemas/Nope",
                "#/components/schemas/",
                "#/components/parameters/Nope",
                "#/nope",
                "#",
                "",
                "other.yaml#/Pet",
                "#/components/schemas/A~1B",
                "#/paths",
            ]);
            *node = json!({ "$ref": target });
            format!("dangling $ref {target:?}")
        }
        5 => {
            if let Some(schemas) = schemas_mut(doc) {
                schemas.insert("CycA".into(), json!({"$ref": "#/components/schemas/CycB"}));
                schemas.insert("CycB".into(), json!({"$ref": "#/components/schemas/CycA"}));
                schemas.insert("SelfRef".into(), json!({"$ref": "#/components/schemas/SelfRef"}));
                schemas.insert("SelfAllOf".into(), json!({"allOf": [{"$ref": "#/components/schemas/SelfAllOf"}]}));
                schemas.insert("SelfProp".into(), json!({"type": "object", "required": ["me"], "properties": {"me": {"$ref": "#/components/schemas/SelfProp"}}}));
            }
            let node = random_node(rng, doc);
            *node = json!({"$ref": "#/components/schemas/CycA"});
            "cyclic and self $refs".into()
        }
        6 => {
            let Some(name) = names.first().cloned() else { return "ref into properties (no schemas)".into() };
            let node = random_node(rng, doc);
            *node = json!({ "$ref": format!("#/components/schemas/{name}/properties/id") });
            format!("$ref into properties of {name}")
        }
        7 | 8 => {
            let node = random_node(rng, doc);
            if let Value::Object(m) = node {
                if !m.is_empty() {
                    let siblings: Vec<String> = m.keys().cloned().collect();
                    let i = rng.below(m.len());
                    let new = absurd_name(rng, &siblings);
                    let old = m.keys().nth(i).cloned().expect("in range");
                    let value = m.shift_remove(&old).expect("present");
                    m.insert(new.clone(), value);
                    return format!("rename {:?} -> {:?}", truncate(&old), truncate(&new));
                }
            }
            if let Some(schemas) = schemas_mut(doc) {
                let siblings: Vec<String> = schemas.keys().cloned().collect();
                let new = absurd_name(rng, &siblings);
                schemas
                    .insert(new.clone(), json!({"type": "object", "properties": {(new.clone()): {"type": "string"}}}));
                return format!("add schema {:?}", truncate(&new));
            }
            "rename (none)".into()
        }
        9 => {
            let n = if allow_huge { 10_000 } else { 300 };
            let values: Vec<Value> =
                (0..n).map(|i| json!(format!("{}{i}", ["v", "V-", "", "_", "日"][i % 5]))).collect();
            let node = random_node(rng, doc);
            *node = json!({"type": "string", "enum": values});
            format!("enum of {n} values")
        }
        10 => {
            // Beyond the parsers' nesting limit (refused), or just under it (generated).
            let depth = *rng.pick(&[1000, 200, 60, 40, 20]);
            let kind = rng.below(3);
            let node = random_node(rng, doc);
            *node = nested(depth, kind);
            format!("nesting {depth} levels (kind {kind})")
        }
        11 => {
            let n = *rng.pick(&[10, 500, 2000]);
            if let Some(schemas) = schemas_mut(doc) {
                for i in 0..n {
                    let next = json!({"$ref": format!("#/components/schemas/Chain{}", i + 1)});
                    let v = if rng.chance(50) { next } else { json!({"type": "object", "properties": {"next": next}}) };
                    schemas.insert(format!("Chain{i}"), v);
                }
                schemas.insert(format!("Chain{n}"), json!({"type": "string"}));
            }
            format!("$ref chain of {n}")
        }
        12 => {
            let node = random_node(rng, doc);
            let v = rng
                .pick(&[
                    json!({"type": ["string", "null", "integer", "array"]}),
                    json!({"oneOf": []}),
                    json!({"allOf": [{"type": "string"}, {"type": "object"}]}),
                    json!({"type": "object", "discriminator": {"propertyName": "kind"}, "oneOf": [{"type": "string"}]}),
                    json!({"const": null}),
                    json!({"enum": []}),
                    json!({"enum": [1, "a", null, {}, []]}),
                    json!({"type": "array"}),
                    json!({"additionalProperties": {"additionalProperties": false}}),
                    json!({"prefixItems": [{"type": "string"}], "items": false}),
                    json!(true),
                    json!(false),
                ])
                .clone();
            *node = v;
            "odd schema".into()
        }
        _ => {
            let versions = ["3.0.0", "3.1.0", "3.0.3", "3.1.1", "3.2.0", "2.0", "3", ""];
            if let Some(root) = doc.as_object_mut() {
                let v = *rng.pick(&versions);
                root.insert("openapi".into(), json!(v));
                return format!("openapi {v:?}");
            }
            "openapi (root not an object)".into()
        }
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= 60 {
        s.to_owned()
    } else {
        let mut end = 60;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}… ({} bytes)", &s[..end], s.len())
    }
}

/// Builds case `index`: (seed name, description, file name, bytes).
fn make_case(index: u64, base_seed: u64, seeds: &[Seed], polar: Option<&Seed>) -> (String, String, String, Vec<u8>) {
    let mut rng = Rng::new(base_seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    let use_polar = polar.is_some() && index % 250 == 7;
    let seed = if use_polar { polar.expect("checked") } else { &seeds[rng.below(seeds.len())] };
    let mut doc = seed.value.clone();
    let mut steps = Vec::new();
    for _ in 0..1 + rng.below(3) {
        steps.push(mutate(&mut rng, &mut doc, !use_polar));
    }
    let yaml = rng.chance(30) && !use_polar;
    let mut bytes = if yaml {
        serde_yaml::to_string(&doc).map(String::into_bytes).unwrap_or_default()
    } else {
        serde_json::to_vec(&doc).expect("JSON serializes")
    };
    match rng.below(20) {
        0 => {
            let at = rng.below(bytes.len() + 1);
            bytes.truncate(at);
            steps.push(format!("truncate at {at}"));
        }
        1 if !bytes.is_empty() => {
            let at = rng.below(bytes.len());
            bytes[at] = *rng.pick(&[0xff, 0xc3, 0x80, 0xfe, 0x00]);
            steps.push(format!("byte {at} damaged"));
        }
        2 => {
            bytes.clear();
            steps.push("empty".into());
        }
        _ => {}
    }
    let file = if yaml { "case.yaml" } else { "case.json" };
    (seed.name.clone(), steps.join("; "), file.to_owned(), bytes)
}

enum Outcome {
    Ok { files: usize },
    Refused,
    Panicked(String),
    BadRust(String),
}

thread_local! {
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Panics inside cases are expected findings: record their message instead of printing it.
fn record_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info.to_string();
            PANIC.with(|p| *p.borrow_mut() = Some(message));
        }))
    });
}

/// Runs `generate` on a fresh thread; `None` if it did not finish within [`TIMEOUT`].
fn run_one(file: String, bytes: Vec<u8>, parse_output: bool, lenient: bool) -> Option<Outcome> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let options = codegen::Options { lenient, ..codegen::Options::default() };
            let result = std::panic::catch_unwind(|| codegen::generate(&file, &bytes, &options));
            let outcome = match result {
                Err(_) => Outcome::Panicked(PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default()),
                Ok(Err(_)) => Outcome::Refused,
                Ok(Ok(generated)) => {
                    let mut bad = None;
                    if parse_output {
                        for (path, text) in generated.files.iter().filter(|(p, _)| p.ends_with(".rs")) {
                            if let Err(e) = syn::parse_file(text) {
                                bad = Some(format!("{path} does not parse: {e}"));
                                break;
                            }
                        }
                    }
                    match bad {
                        Some(b) => Outcome::BadRust(b),
                        None => Outcome::Ok { files: generated.files.len() },
                    }
                }
            };
            let _ = tx.send(outcome);
        })
        .expect("spawn a case thread");
    rx.recv_timeout(TIMEOUT).ok()
}

/// Runs `cases` cases; panics with a report if any panicked, hung or produced bad Rust.
/// The driver itself builds 1000-level documents (recursive clone, serialize, drop): it
/// gets a big stack of its own.
fn fuzz(cases: u64) {
    let driver =
        std::thread::Builder::new().stack_size(256 << 20).spawn(move || drive(cases)).expect("spawn the driver");
    if let Err(panic) = driver.join() {
        std::panic::resume_unwind(panic);
    }
}

fn drive(cases: u64) {
    let base_seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED);
    let only: Option<u64> = std::env::var("FUZZ_CASE").ok().and_then(|s| s.parse().ok());
    let (seeds, polar) = seeds();
    record_panics();
    let failures_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let started = Instant::now();
    let (mut ok, mut refused, mut generated_files) = (0u64, 0u64, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    let range: Vec<u64> = match only {
        Some(i) => vec![i],
        None => (0..cases).collect(),
    };
    for index in range {
        let (seed, steps, file, bytes) = make_case(index, base_seed, &seeds, polar.as_ref());
        if only.is_some() {
            eprintln!("case {index}: {seed}: {steps}\n{}", String::from_utf8_lossy(&bytes));
        }
        // Output of the Polar seed is large: parse-check it only sometimes.
        let parse_output = !seed.starts_with("polar") || index % 1000 == 7;
        let case_started = Instant::now();
        // Odd cases run in lenient mode, which repairs the dangling references mutations make.
        let outcome = run_one(file.clone(), bytes.clone(), parse_output, index % 2 == 1);
        let took = case_started.elapsed();
        if took > slowest.0 {
            slowest = (took, format!("case {index} ({seed}: {steps})"));
        }
        let problem = match outcome {
            None => Some(format!("did not finish within {TIMEOUT:?}")),
            Some(Outcome::Panicked(m)) => Some(format!("panicked: {m}")),
            Some(Outcome::BadRust(m)) => Some(format!("rendered invalid Rust: {m}")),
            Some(Outcome::Refused) => {
                refused += 1;
                None
            }
            Some(Outcome::Ok { files }) => {
                ok += 1;
                generated_files += files;
                None
            }
        };
        if let Some(problem) = problem {
            let _ = std::fs::create_dir_all(&failures_dir);
            let saved = failures_dir.join(format!("case-{index}-{file}"));
            let _ = std::fs::write(&saved, &bytes);
            failures.push(format!("case {index} ({seed}: {steps}): {problem}\n    input: {}", saved.display()));
            if failures.last().is_some_and(|f| f.contains("did not finish")) {
                // The hung thread cannot be stopped; report what we have.
                break;
            }
        }
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "fuzz: {} cases in {:.1}s (seed {base_seed:#x}): {ok} generated ({generated_files} files), {refused} refused, {} failed; slowest {:.2}s: {}",
        ok + refused + failures.len() as u64,
        started.elapsed().as_secs_f64(),
        failures.len(),
        slowest.0.as_secs_f64(),
        slowest.1
    );
    eprint!("{report}");
    assert!(failures.is_empty(), "{report}{}", failures.join("\n"));
}

fn cases_from_env(default: u64) -> u64 {
    std::env::var("FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

#[test]
fn fuzz_quick() {
    fuzz(cases_from_env(300));
}

/// The long run: `cargo xtask fuzz [CASES]`, or
/// `FUZZ_CASES=10000 cargo test --release -p polar-codegen --test fuzz -- --ignored fuzz_full`.
#[test]
#[ignore = "long: run by `cargo xtask fuzz`"]
fn fuzz_full() {
    fuzz(cases_from_env(10_000));
}

/// Inputs nothing should get wrong, checked one by one with a readable failure.
#[test]
fn fixed_hostile_inputs() {
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty.json", Vec::new()),
        ("nul.json", vec![0]),
        ("bom.json", b"\xef\xbb\xbf{}".to_vec()),
        ("ff.yaml", vec![0xff; 64]),
        ("deep.json", "[".repeat(100_000).into_bytes()),
        ("deep.yaml", "- ".repeat(10_000).into_bytes()),
        ("anchors.yaml", b"a: &a [*a]\n".to_vec()),
        (
            "billion-laughs.yaml",
            b"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                .to_vec(),
        ),
        ("big-number.json", br#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x": 1e999999}"#.to_vec()),
    ];
    record_panics();
    let mut failures = Vec::new();
    for (name, bytes) in inputs {
        match run_one(name.to_owned(), bytes, true, false) {
            None => failures.push(format!("{name}: hung")),
            Some(Outcome::Panicked(m)) => failures.push(format!("{name}: panicked: {m}")),
            Some(Outcome::BadRust(m)) => failures.push(format!("{name}: {m}")),
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
