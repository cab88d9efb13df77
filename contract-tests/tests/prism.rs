//! Contract tests: every operation's code sample (`contract_tests::samples`) runs against
//! a [Prism](https://github.com/stoplightio/prism) mock server of its pinned spec, for every
//! API version of the client (each version's samples with that version's client, against
//! that version's spec).
//!
//! For each operation, Prism must accept the request the generated client sends (a
//! request that violates the spec gets a 4xx with the violations in the `sl-violations`
//! header), and the response Prism returns must decode into the typed model: in static
//! mode (the spec's examples) and in dynamic mode (`-d`: random data generated from the
//! schemas, seeded so a failure reproduces).
//!
//! Needs Node.js and npm (Prism is pinned in `contract/package.json`; `npm ci` runs when
//! `contract/node_modules` is missing). The tests are `#[ignore]`d so `cargo test
//! --workspace` passes on a machine without Node; CI runs them explicitly:
//!
//! ```text
//! cargo test -p contract-tests -- --ignored
//! ```
//!
//! Each mode and version writes its report to `target/contract-tests/prism-<mode>-<version>.txt`.
//! Workarounds for Prism's own limits are documented in `contract/README.md`.

use contract_tests::samples::v2026_10::SampleResult;
use polar::runtime::{Error, ErrorKind};
use polar::RetryPolicy;
use serde_json::Value;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The seed of dynamic mode: the same random responses on every run.
const SEED: &str = "polar-sdk-contract";

/// How long Prism may take to load the spec and start listening.
const STARTUP: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Node.js: run `cargo test -p contract-tests -- --ignored`"]
async fn every_operation_against_prism_static_examples() {
    run_mode(Mode::Static).await;
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs Node.js: run `cargo test -p contract-tests -- --ignored`"]
async fn every_operation_against_prism_dynamic_data() {
    run_mode(Mode::Dynamic).await;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Static,
    Dynamic,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// What happened to one operation's sample.
#[derive(Debug)]
enum Outcome {
    /// Prism accepted every request and every response decoded.
    Passed,
    /// Prism rejected a request: status and the violations it reported.
    Rejected { status: u16, violations: String, body: String },
    /// Prism accepted the request, the response did not decode.
    Undecodable { path: String, message: String, body: String },
    /// Anything else (transport, timeout, a sample's own error).
    Failed(String),
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("contract-tests is a workspace member").to_path_buf()
}

/// Node and npm on the PATH, or a failure saying how to get them.
fn require_node() {
    for tool in ["node", "npm"] {
        let found = Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        match found {
            Ok(status) if status.success() => {}
            _ => panic!(
                "`{tool}` is not available: the Prism contract tests need Node.js (>= 18.20) and npm on the PATH. \
                 Install Node.js, then run `cargo test -p contract-tests -- --ignored` (see contract/README.md)."
            ),
        }
    }
}

/// `npm ci` in contract/ when Prism is not installed yet (once, even with both modes running).
fn install_prism(contract: &Path) -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let cli = contract.join("node_modules/@stoplight/prism-cli/dist/index.js");
    if !cli.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(contract)
            .status()
            .unwrap_or_else(|e| panic!("cannot run `npm ci` in {}: {e}", contract.display()));
        assert!(status.success(), "`npm ci` in {} failed ({status})", contract.display());
    }
    assert!(cli.exists(), "`npm ci` did not install Prism at {}", cli.display());
    cli
}

/// A running Prism; killed on drop (also when a test panics).
struct Prism {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn start(cli: &Path, spec: &Path, mode: Mode) -> Prism {
        let port = free_port();
        let mut command = Command::new("node");
        command.arg(cli).arg("mock").arg(spec).args(["--host", "127.0.0.1", "--port", &port.to_string()]);
        if mode == Mode::Dynamic {
            // Random data, seeded; `fillProperties` adds undeclared properties, which the
            // client must ignore.
            command.args(["--dynamic", "--seed", SEED, "--json-schema-faker-fillProperties=true"]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism ({}): {e}", cli.display()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("piped")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("piped")),
        ] {
            let log = Arc::clone(&log);
            let ready_tx = ready_tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.contains("Prism is listening") {
                        let _ = ready_tx.send(());
                    }
                    log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                }
            });
        }
        let prism = Prism { child, port, log };
        if ready_rx.recv_timeout(STARTUP).is_err() {
            panic!("Prism did not start within {STARTUP:?}; its output:\n{}", prism.log_text());
        }
        prism
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).join("\n")
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().expect("bound").port()
}

/// The spec Prism serves: the pinned spec with `contract/prism.overlay.yaml` applied
/// (workarounds for Prism's own limits), written under `target/contract-tests/`.
/// The spec of API `version` (`2026-10`) with the workarounds applied, as Prism serves it.
fn prism_spec(root: &Path, version: &str) -> PathBuf {
    let spec_path = root.join(format!("spec/polar-{version}.openapi.json"));
    let overlay_path = root.join("contract/prism.overlay.yaml");
    let mut spec: Value =
        serde_json::from_slice(&std::fs::read(&spec_path).expect("the pinned spec")).expect("the spec is JSON");
    let overlay: Value = serde_yaml::from_slice(&std::fs::read(&overlay_path).expect("contract/prism.overlay.yaml"))
        .expect("the overlay is YAML");
    for action in overlay["actions"].as_array().expect("overlay actions") {
        let target = action["target"].as_str().expect("action target");
        let applied = overlay::apply(
            &mut spec,
            target,
            action.get("update"),
            action.get("remove").and_then(Value::as_bool).unwrap_or(false),
        );
        assert!(
            applied > 0,
            "overlay action `{target}` matches nothing in the spec: remove it from contract/prism.overlay.yaml"
        );
    }
    let dir = root.join("target/contract-tests");
    std::fs::create_dir_all(&dir).expect("target/contract-tests");
    let out = dir.join(format!("prism-spec-{version}.json"));
    std::fs::write(&out, serde_json::to_vec(&spec).expect("JSON")).expect("write the Prism spec");
    out
}

/// The subset of OpenAPI Overlay 1.0 (JSONPath targets, `update`, `remove`) that
/// `contract/prism.overlay.yaml` uses.
mod overlay {
    use serde_json::Value;

    enum Step {
        Child(String),
        /// `..[?(@.a.b[0].c == 'value')]` / `..[?(@.a)]`: every node, at any depth, whose
        /// member at `a.b[0].c` is the string `value` / whose member `a` exists.
        DescendantWhere(Vec<String>, Option<String>),
    }

    fn parse(target: &str) -> Vec<Step> {
        let mut rest = target.strip_prefix('$').unwrap_or_else(|| panic!("target `{target}` does not start with `$`"));
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("..[?(@.") {
                let (filter, r) = r.split_once(")]").unwrap_or_else(|| panic!("unterminated filter in `{target}`"));
                let (key, value) = match filter.split_once(" == ") {
                    Some((key, value)) => {
                        let value = value
                            .strip_prefix('\'')
                            .and_then(|v| v.strip_suffix('\''))
                            .unwrap_or_else(|| panic!("unsupported filter value in `{target}`"));
                        (key, Some(value.to_owned()))
                    }
                    None => (filter, None),
                };
                // `a.b[0].c` → ["a", "b", "0", "c"]: members and array indices alike.
                let key = key.replace('[', ".").replace(']', "");
                steps.push(Step::DescendantWhere(key.split('.').map(str::to_owned).collect(), value));
                rest = r;
            } else if let Some(r) = rest.strip_prefix("['") {
                let (name, r) = r.split_once("']").unwrap_or_else(|| panic!("unterminated name in `{target}`"));
                steps.push(Step::Child(name.to_owned()));
                rest = r;
            } else if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                steps.push(Step::Child(r[..end].to_owned()));
                rest = &r[end..];
            } else {
                panic!("unsupported JSONPath `{target}` at `{rest}`");
            }
        }
        steps
    }

    /// Applies one action; returns how many nodes it changed.
    pub fn apply(doc: &mut Value, target: &str, update: Option<&Value>, remove: bool) -> usize {
        let steps = parse(target);
        let mut count = 0;
        visit(doc, &steps, &mut |node| {
            count += 1;
            if remove {
                *node = Value::String(REMOVED.to_owned());
            } else if let Some(update) = update {
                merge(node, update);
            }
        });
        if remove {
            strip_removed(doc);
        }
        count
    }

    fn visit(node: &mut Value, steps: &[Step], f: &mut dyn FnMut(&mut Value)) {
        let Some((step, rest)) = steps.split_first() else {
            f(node);
            return;
        };
        match step {
            Step::Child(name) => {
                if let Some(child) = node.get_mut(name.as_str()) {
                    visit(child, rest, f);
                }
            }
            Step::DescendantWhere(key, value) => descend(node, key, value, rest, f),
        }
    }

    fn descend(node: &mut Value, key: &[String], value: &Option<String>, rest: &[Step], f: &mut dyn FnMut(&mut Value)) {
        let member = key.iter().try_fold(&*node, |n, k| match k.parse::<usize>() {
            Ok(i) => n.get(i),
            Err(_) => n.get(k.as_str()),
        });
        let matches = match (member, value) {
            (Some(m), Some(value)) => m.as_str() == Some(value.as_str()),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if matches {
            visit(node, rest, f);
        }
        match node {
            Value::Object(map) => map.values_mut().for_each(|v| descend(v, key, value, rest, f)),
            Value::Array(items) => items.iter_mut().for_each(|v| descend(v, key, value, rest, f)),
            _ => {}
        }
    }

    /// Overlay `update`: objects merge recursively, arrays append, anything else replaces.
    fn merge(node: &mut Value, update: &Value) {
        match (node, update) {
            (Value::Object(target), Value::Object(update)) => {
                for (k, v) in update {
                    match target.get_mut(k) {
                        Some(existing) => merge(existing, v),
                        None => {
                            target.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
            (node, update) => *node = update.clone(),
        }
    }

    /// Marks a removed node until [`strip_removed`] drops it from its parent.
    const REMOVED: &str = "\u{0}removed by overlay";

    fn strip_removed(node: &mut Value) {
        match node {
            Value::Object(map) => {
                map.retain(|_, v| v.as_str() != Some(REMOVED));
                map.values_mut().for_each(strip_removed);
            }
            Value::Array(items) => {
                items.retain(|v| v.as_str() != Some(REMOVED));
                items.iter_mut().for_each(strip_removed);
            }
            _ => {}
        }
    }
}

/// What a call's result says; `B` is its version's error body type.
fn classify<B: std::fmt::Debug + 'static>(result: SampleResult) -> Outcome {
    let error = match result {
        Ok(()) => return Outcome::Passed,
        Err(error) => error,
    };
    let Some(error) = error.downcast_ref::<Error<B>>() else {
        return Outcome::Failed(format!("sample error: {error}"));
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).chars().take(600).collect::<String>();
    match error.kind() {
        ErrorKind::Api { status, headers, raw, .. } | ErrorKind::UnexpectedStatus { status, headers, body: raw } => {
            let violations = headers
                .get("sl-violations")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no sl-violations header)")
                .to_owned();
            Outcome::Rejected { status: status.as_u16(), violations, body: text(&raw[..]) }
        }
        ErrorKind::Decode { path, message, raw, .. } => {
            Outcome::Undecodable { path: path.clone(), message: message.clone(), body: text(&raw[..]) }
        }
        _ => Outcome::Failed(format!("{error} ({:?})", error.kind())),
    }
}

/// Every sample of version `$module`, then every operation with optional inputs with all
/// of them set, with a client of that version against `$base_url`.
macro_rules! run_version {
    ($module:ident, $base_url:expr) => {{
        use contract_tests::samples::$module as samples;
        let client = polar::$module::Client::builder()
            .access_token("polar_oat_contract_tests")
            .base_url($base_url)
            .timeout(Duration::from_secs(30))
            .retry(RetryPolicy::none())
            .build()
            .expect("a valid client configuration");
        let mut outcomes = Vec::new();
        for (operation_id, method, path) in samples::OPERATIONS {
            let result = samples::run(operation_id, &client).await.expect("every listed operation has a sample");
            outcomes.push(("sample", *operation_id, *method, *path, classify::<polar::$module::ApiErrorBody>(result)));
        }
        for (operation_id, method, path) in samples::exhaustive::OPERATIONS {
            let result =
                samples::exhaustive::run(operation_id, &client).await.expect("every listed operation has a call");
            let outcome = classify::<polar::$module::ApiErrorBody>(result);
            outcomes.push(("every optional input", *operation_id, *method, *path, outcome));
        }
        assert_eq!(samples::OPERATIONS.len(), 186, "every operation of the pinned spec has a sample");
        outcomes
    }};
}

async fn run_mode(mode: Mode) {
    require_node();
    let root = workspace_root();
    let cli = install_prism(&root.join("contract"));
    let mut failed = Vec::new();
    for version in ["2026-04", "2026-10"] {
        let prism = Prism::start(&cli, &prism_spec(&root, version), mode);
        let base_url = prism.base_url();
        let outcomes = match version {
            "2026-04" => run_version!(v2026_04, &base_url),
            _ => run_version!(v2026_10, &base_url),
        };
        let log = prism.log_text();
        drop(prism);
        if let Some(report) = report(mode, version, &outcomes, &root, &log) {
            failed.push(report);
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

type Called = (&'static str, &'static str, &'static str, &'static str, Outcome);

/// Writes the report of one mode and version; the failures, if any.
fn report(mode: Mode, version: &str, outcomes: &[Called], root: &Path, log: &str) -> Option<String> {
    let mut report = String::new();
    for kind in ["sample", "every optional input"] {
        let of_kind: Vec<_> = outcomes.iter().filter(|o| o.0 == kind).collect();
        let total = of_kind.len();
        let rejected = of_kind.iter().filter(|o| matches!(o.4, Outcome::Rejected { .. } | Outcome::Failed(_))).count();
        let undecodable = of_kind.iter().filter(|o| matches!(o.4, Outcome::Undecodable { .. })).count();
        let accepted = total - rejected;
        let decoded = accepted - undecodable;
        let _ = writeln!(
            report,
            "Prism {} mode, API version {version}, {kind}: {total} operations exercised, {accepted} requests accepted, {decoded} responses decoded",
            mode.name()
        );
    }
    let mut failures = Vec::new();
    for (kind, operation_id, method, path, outcome) in outcomes {
        let line = match outcome {
            Outcome::Passed => continue,
            Outcome::Rejected { status, violations, body } => {
                format!("REJECTED {operation_id} ({method} {path}, {kind}): HTTP {status}\n  violations: {violations}\n  body: {body}")
            }
            Outcome::Undecodable { path: at, message, body } => {
                format!("UNDECODABLE {operation_id} ({method} {path}, {kind}): at `{at}`: {message}\n  body: {body}")
            }
            Outcome::Failed(message) => format!("FAILED {operation_id} ({method} {path}, {kind}): {message}"),
        };
        let _ = writeln!(report, "{line}");
        failures.push(*operation_id);
    }
    let dir = root.join("target/contract-tests");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("prism-{}-{version}.txt", mode.name())), &report);
    let _ = std::fs::write(dir.join(format!("prism-{}-{version}.log", mode.name())), log);
    eprintln!("{}", report.lines().take(2).collect::<Vec<_>>().join("\n"));
    (!failures.is_empty()).then(|| {
        format!(
            "{} calls failed against Prism ({} mode, API version {version}):\n{report}",
            failures.len(),
            mode.name()
        )
    })
}
