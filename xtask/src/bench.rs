//! `cargo xtask bench`: the whole-process and compile-time figures of BENCHMARKS.md, each
//! printed next to its target. The in-process figures (decoding, request overhead) come from
//! `cargo bench -p polar-sh-sdk` (generated-client/benches/).
//!
//! Timings only: nothing here fails on a slow figure (CI never runs it). Each figure is the
//! median of `--runs` runs. Peak memory is the kernel's high-water mark (`VmHWM`) for
//! generation, and GNU time's maximum RSS of the one `rustc`/`rustdoc` process that compiles
//! or documents `polar-sh-sdk` (through a `RUSTC_WRAPPER` / `RUSTDOC` script), so Cargo's own
//! memory and the dependencies' never count.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub const USAGE: &str = "\
cargo xtask bench [WHAT] [--runs N]

WHAT (default: all):
  gen       generation of the pinned spec: in-process stages (load, lower, IR, emit,
            format, check) and a whole `regenerate --check` process (wall, peak RSS)
  compile   cold `cargo build` / `cargo check` / `cargo doc --no-deps` of polar-sh-sdk alone,
            dependencies prebuilt (in target/bench-compile/): wall, rustc/rustdoc peak RSS;
            also every API version on, the build with `metering`, `events` alone with
            and without it, and `webhook-events` alone with and without the router
  app       rebuild of bench-app/ (a tiny application using the client) after an edit,
            in the workspace's target/ (client and dependencies built once)
  all       gen, compile, app

--runs N    runs per figure, median reported (default: gen 10, compile 3, app 5)

In-process figures: cargo bench -p polar-sh-sdk   (decode, request; see BENCHMARKS.md)
";

/// `cargo xtask bench ...`, with the arguments after `bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut what = None;
    let mut runs = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => {
                let value = it.next().ok_or("--runs needs a value")?;
                runs = Some(value.parse::<usize>().map_err(|_| format!("--runs {value}: not a number"))?.max(1));
            }
            "help" | "--help" | "-h" => {
                print!("{USAGE}");
                return Ok(());
            }
            "gen" | "compile" | "app" | "all" | "gen-once" if what.is_none() => what = Some(arg.as_str()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let root = workspace_root()?;
    let what = what.unwrap_or("all");
    if what == "gen-once" {
        return gen_once(&root);
    }
    println!("{}", machine());
    let mut rows = Vec::new();
    if matches!(what, "gen" | "all") {
        rows.extend(bench_gen(&root, runs.unwrap_or(10))?);
    }
    if matches!(what, "compile" | "all") {
        rows.extend(bench_compile(&root, runs.unwrap_or(3))?);
    }
    if matches!(what, "app" | "all") {
        rows.extend(bench_app(&root, runs.unwrap_or(5))?);
    }
    println!("\n{}", table(&rows));
    println!("load average after: {}", loadavg());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Figures

#[derive(Clone, Copy)]
enum Unit {
    Seconds,
    Megabytes,
}

struct Row {
    figure: String,
    /// Median, in `unit` (seconds or MiB); `None` when it could not be measured.
    value: Option<f64>,
    unit: Unit,
    /// Upper bound from the issue, in `unit`.
    target: Option<f64>,
    /// Extra: spread or a breakdown.
    note: String,
}

impl Row {
    fn new(figure: &str, value: Option<f64>, unit: Unit, target: Option<f64>, note: String) -> Self {
        Row { figure: figure.to_owned(), value, unit, target, note }
    }
}

fn show(value: Option<f64>, unit: Unit) -> String {
    match (value, unit) {
        (None, _) => "n/a".to_owned(),
        (Some(s), Unit::Seconds) if s < 1.0 => format!("{:.0} ms", s * 1000.0),
        (Some(s), Unit::Seconds) => format!("{s:.2} s"),
        (Some(mb), Unit::Megabytes) => format!("{mb:.0} MiB"),
    }
}

fn table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.figure.len()).max().unwrap_or(10);
    let mut out = format!("{:width$}  {:>10}  {:>10}  verdict\n", "figure", "median", "target");
    for r in rows {
        let verdict = match (r.value, r.target) {
            (Some(v), Some(t)) if v <= t => "ok",
            (Some(_), Some(_)) => "OVER",
            _ => "-",
        };
        let target = r.target.map_or("-".to_owned(), |t| format!("≤ {}", show(Some(t), r.unit)));
        let _ =
            writeln!(out, "{:width$}  {:>10}  {:>10}  {verdict:5} {}", r.figure, show(r.value, r.unit), target, r.note);
    }
    out
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 })
}

/// CPU times are counted in 10 ms ticks: their mean over runs is finer than any one run.
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn spread(values: &[f64], unit: Unit) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.len() < 2 {
        return String::new();
    }
    format!("(n={}, {}..{})", values.len(), show(Some(min), unit), show(Some(max), unit))
}

// ---------------------------------------------------------------------------------------
// Generation

/// What `xtask regenerate --check` does, once, then prints this process's peak RSS.
fn gen_once(root: &Path) -> Result<(), String> {
    let generated = codegen::polar::generate(root)?;
    let drift =
        codegen::write::check(&root.join(codegen::polar::CLIENT_DIR), &generated.files).map_err(|e| e.to_string())?;
    let cpu_ms = cpu_seconds().map_or(0.0, |s| s * 1000.0);
    println!(
        "files={} drift={} vmhwm_kb={} cpu_ms={cpu_ms:.0}",
        generated.files.len(),
        drift.len(),
        vm_hwm_kb().unwrap_or(0)
    );
    Ok(())
}

fn bench_gen(root: &Path, runs: usize) -> Result<Vec<Row>, String> {
    println!("\n== generation ({runs} runs in-process, {} whole processes)", runs.min(5));
    let specs = codegen::polar::pinned_specs(root)?;
    let options = codegen::polar::options();
    let crate_dir = root.join(codegen::polar::CLIENT_DIR);

    // The public pipeline, as `regenerate` calls it.
    let mut totals = Vec::new();
    let mut total_cpus = Vec::new();
    for _ in 0..runs + 1 {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let generated = codegen::polar::generate(root)?;
        totals.push(start.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
            total_cpus.push(after - before);
        }
        drop(generated);
    }
    totals.remove(0); // warm-up
    if !total_cpus.is_empty() {
        total_cpus.remove(0);
    }

    // The same, stage by stage (mirrors `codegen::generate_versions`; update it if that changes).
    let mut stages: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for _ in 0..runs {
        let mut lap = Lap::new();
        let docs = specs
            .iter()
            .map(|(spec, bytes)| codegen::load::parse(spec, bytes).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        lap.record(&mut stages, "1 load (parse JSON, sha256), every version");
        let lowered = docs
            .iter()
            .map(|doc| codegen::lower::lower(doc).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        lap.record(&mut stages, "2 lower (3.1→3.0, openapiv3 deserialize, presence check)");
        let reserved: Vec<String> = docs
            .iter()
            .map(|doc| {
                let version =
                    doc.value.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or_default();
                codegen::ir::VersionModule::for_version(version).feature
            })
            .collect();
        let mut apis = Vec::new();
        let mut warnings = Vec::new();
        for ((doc, lowered), (spec, _)) in docs.iter().zip(&lowered).zip(&specs) {
            let version = doc.value.pointer("/info/version").and_then(serde_json::Value::as_str).unwrap_or_default();
            let options = codegen::Options {
                version_module: Some(codegen::ir::VersionModule::for_version(version)),
                reserved_features: reserved.clone(),
                ..options.clone()
            };
            let api = codegen::ir::build(&lowered.openapi, spec, &options).map_err(|e| e.to_string())?;
            let mut found = lowered.warnings.clone();
            found.extend(api.warnings.iter().cloned());
            found.sort();
            found.dedup();
            warnings.push(found);
            apis.push(api);
        }
        lap.record(&mut stages, "3 IR build");
        let shared = codegen::share::plan(&apis);
        lap.record(&mut stages, "4 share (emit each version's items for the shared module, compare)");
        let provenance = codegen::write::Provenance {
            specs: specs.iter().zip(&docs).map(|((spec, _), doc)| ((*spec).to_owned(), doc.sha256.clone())).collect(),
            regenerate_command: options.regenerate_command.as_deref(),
        };
        let warnings: Vec<&[codegen::Warning]> = warnings.iter().map(Vec::as_slice).collect();
        let files =
            codegen::write::render(&codegen::emit::Crate { versions: &apis, shared: &shared }, &provenance, &warnings);
        lap.record(&mut stages, "5 emit + format, on all cores (quote!, syn, prettyplease)");
        let drift = codegen::write::check(&crate_dir, &files).map_err(|e| e.to_string())?;
        lap.record(&mut stages, "6 check against generated-client/ (read + compare)");
        drop((drift, files, apis, lowered, docs));
        lap.record(&mut stages, "7 drop everything");
    }
    println!("  {:60} {:>8}  {:>8}", "stage", "wall", "CPU");
    println!("  {:60} {:>8}  {:>8}", "", "(median)", "(mean)");
    for (stage, (wall, cpu)) in &stages {
        println!("  {stage:60} {:>8}  {:>8}", show(median(wall), Unit::Seconds), show(mean(cpu), Unit::Seconds));
    }
    println!(
        "  {:60} {:>8}  {:>8}",
        "codegen::generate (1-5)",
        show(median(&totals), Unit::Seconds),
        show(mean(&total_cpus), Unit::Seconds)
    );

    // Whole processes: exec, read the spec, generate, check, exit.
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut walls = Vec::new();
    let mut peaks = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..runs.min(5) {
        let start = Instant::now();
        let out =
            Command::new(&exe).args(["bench", "gen-once"]).current_dir(root).output().map_err(|e| e.to_string())?;
        walls.push(start.elapsed().as_secs_f64());
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!("`xtask bench gen-once` failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr)));
        }
        let field = |name: &str| {
            let value = stdout.split(&format!("{name}=")).nth(1)?.split_whitespace().next()?;
            value.parse::<f64>().ok().filter(|v| *v > 0.0)
        };
        peaks.extend(field("vmhwm_kb").map(|kb| kb / 1024.0));
        cpus.extend(field("cpu_ms").map(|ms| ms / 1000.0));
        println!("  process: {}", stdout.trim());
    }
    Ok(vec![
        Row::new(
            "generation in-process (codegen::generate)",
            median(&totals),
            Unit::Seconds,
            None,
            spread(&totals, Unit::Seconds),
        ),
        Row::new(
            "generation whole process (= regenerate --check)",
            median(&walls),
            Unit::Seconds,
            Some(0.3),
            format!("CPU {} {}", show(median(&cpus), Unit::Seconds), spread(&walls, Unit::Seconds)),
        ),
        Row::new(
            "generation peak RSS (VmHWM)",
            median(&peaks),
            Unit::Megabytes,
            Some(150.0),
            spread(&peaks, Unit::Megabytes),
        ),
    ])
}

/// Wall and CPU time since the last lap.
struct Lap(Instant, Option<f64>);

impl Lap {
    fn new() -> Self {
        Lap(Instant::now(), cpu_seconds())
    }
    fn record(&mut self, stages: &mut BTreeMap<&'static str, (Vec<f64>, Vec<f64>)>, stage: &'static str) {
        let (now, cpu) = (Instant::now(), cpu_seconds());
        let entry = stages.entry(stage).or_default();
        entry.0.push((now - self.0).as_secs_f64());
        if let (Some(before), Some(after)) = (self.1, cpu) {
            entry.1.push(after - before);
        }
        (self.0, self.1) = (now, cpu);
    }
}

/// CPU time of this process, all threads (Linux `/proc/self/stat`, in clock ticks of 10 ms;
/// averaged over runs): unlike wall time, it barely moves when other processes compete for
/// the cores, and it counts the worker threads that format files.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// This process's peak resident set (Linux).
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Compile time of the generated crate

const GNU_TIME: &str = "/usr/bin/time";

/// `exec`s the real tool (its first argument; REAL_TOOL for rustdoc) under GNU time when it
/// compiles the crate named `polar`, appending "maxrss_kb wall_s user_s sys_s" to the log.
const WRAPPER: &str = r#"#!/bin/sh
# Written by `cargo xtask bench compile`.
REAL_TOOL
prev=
for a in "$@"; do
  if [ "$prev" = "--crate-name" ] && [ "$a" = "polar" ] && [ -n "$POLAR_BENCH_LOG" ] && [ -x /usr/bin/time ]; then
    exec /usr/bin/time -f "%M %e %U %S" -a -o "$POLAR_BENCH_LOG" "$@"
  fi
  prev=$a
done
exec "$@"
"#;

struct Measured {
    wall: f64,
    /// From the wrapper: peak RSS (MB), wall, user+sys CPU (s) of rustc/rustdoc on `polar`.
    tool: Option<(f64, f64, f64)>,
}

fn bench_compile(root: &Path, runs: usize) -> Result<Vec<Row>, String> {
    println!("\n== compile time of polar-sh-sdk ({runs} runs, dependencies prebuilt)");
    let target = root.join("target/bench-compile");
    std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let rustc_wrapper = target.join("rustc-wrapper.sh");
    let rustdoc_wrapper = target.join("rustdoc-wrapper.sh");
    let rustdoc = format!("set -- '{}' \"$@\"", real_rustdoc()?.display());
    for (path, text) in
        [(&rustc_wrapper, WRAPPER.replace("REAL_TOOL", "")), (&rustdoc_wrapper, WRAPPER.replace("REAL_TOOL", &rustdoc))]
    {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        make_executable(path)?;
    }
    let log = target.join("polar-rustc.log");
    if !Path::new(GNU_TIME).exists() {
        println!("  note: {GNU_TIME} not found (apt-get install time): peak memory not measured");
    }

    let cargo = |args: &[&str]| -> Result<f64, String> {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(args)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTC_WRAPPER", &rustc_wrapper)
            .env("RUSTDOC", &rustdoc_wrapper)
            .env("POLAR_BENCH_LOG", &log)
            .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let out = cmd.output().map_err(|e| format!("cargo: {e}"))?;
        let wall = start.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!("`cargo {}` failed:\n{}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
        }
        Ok(wall)
    };

    let commands: &[(&str, &[&str])] = &[
        ("build", &["build", "-p", "polar-sh-sdk"]),
        // Every API version on (the default is the newest alone): what shared types save.
        ("build all versions", &["build", "-p", "polar-sh-sdk", "--features", "v2026-04,v2026-10"]),
        // The blocking client on (feature `blocking`): its cost when on; off, it is the row above.
        ("build blocking", &["build", "-p", "polar-sh-sdk", "--features", "blocking"]),
        ("check", &["check", "-p", "polar-sh-sdk"]),
        // An application that needs one group: `default-features = false, features = ["v2026-10", "customers"]`.
        (
            "check customers",
            &["check", "-p", "polar-sh-sdk", "--no-default-features", "--features", "v2026-10,customers"],
        ),
        ("doc", &["doc", "-p", "polar-sh-sdk", "--no-deps"]),
        // Usage metering (`polar::metering`): what it adds to the build, and to the one group
        // it needs (`events`, of the newest version, whose client it uses), against the same
        // without it.
        ("build metering", &["build", "-p", "polar-sh-sdk", "--features", "metering"]),
        ("check events", &["check", "-p", "polar-sh-sdk", "--no-default-features", "--features", "v2026-10,events"]),
        (
            "check events metering",
            &["check", "-p", "polar-sh-sdk", "--no-default-features", "--features", "v2026-10,events,metering"],
        ),
        // The webhook router (`webhooks::WebhookRouter`, with its axum route): what it adds to
        // the webhook events it routes.
        (
            "check webhook events",
            &["check", "-p", "polar-sh-sdk", "--no-default-features", "--features", "v2026-10,webhook-events"],
        ),
        (
            "check webhook events router",
            &[
                "check",
                "-p",
                "polar-sh-sdk",
                "--no-default-features",
                "--features",
                "v2026-10,webhook-events,webhook-router,axum",
            ],
        ),
    ];
    println!("  building dependencies once in {} (minutes on the first run)", target.display());
    for (_, args) in commands {
        cargo(args)?;
    }

    let mut results: BTreeMap<&str, Vec<Measured>> = BTreeMap::new();
    for run in 1..=runs {
        for (name, args) in commands {
            cargo(&["clean", "-p", "polar-sh-sdk", "--quiet"])?;
            // rustdoc merges its search index with every crate already documented in the
            // output folder, which costs memory that has nothing to do with this crate
            // (1.7 GB instead of 0.95 GB with a few other crates there): start empty.
            if *name == "doc" {
                let _ = std::fs::remove_dir_all(target.join("doc"));
            }
            let _ = std::fs::remove_file(&log);
            let wall = cargo(args)?;
            let tool = std::fs::read_to_string(&log).ok().and_then(|text| {
                let fields: Vec<f64> = text.lines().last()?.split_whitespace().filter_map(|f| f.parse().ok()).collect();
                match fields[..] {
                    [kb, wall, user, sys] => Some((kb / 1024.0, wall, user + sys)),
                    _ => None,
                }
            });
            let shown = tool
                .map_or(String::new(), |(mb, w, cpu)| format!(" (polar: {w:.1} s wall, {cpu:.1} s CPU, {mb:.0} MiB)"));
            println!("  run {run}: cargo {:32} {wall:6.1} s{shown}", args.join(" "));
            results.entry(name).or_default().push(Measured { wall, tool });
        }
    }

    let mut rows = Vec::new();
    let one_version =
        results.get("build").and_then(|m| median(&m.iter().filter_map(|m| m.tool.map(|t| t.2)).collect::<Vec<_>>()));
    let targets: &[(&str, &str, Option<f64>, Option<f64>)] = &[
        ("build", "cargo build -p polar-sh-sdk (cold, deps built)", Some(37.0), Some(1.2 * 1024.0)),
        (
            "build all versions",
            "  the same, every API version on (target: 1.2 x one version's CPU)",
            one_version.map(|cpu| 1.2 * cpu),
            Some(1.2 * 1024.0),
        ),
        ("build blocking", "  the same, feature `blocking` on", None, None),
        ("check", "cargo check -p polar-sh-sdk (cold, deps built)", Some(32.0), Some(1.2 * 1024.0)),
        ("check customers", "  the same, only feature `customers`", None, None),
        ("doc", "cargo doc -p polar-sh-sdk --no-deps", None, None),
        ("build metering", "cargo build -p polar-sh-sdk --features metering", None, None),
        ("check events", "cargo check, only `v2026-10,events`", None, None),
        ("check events metering", "  the same, and `metering`", None, None),
        ("check webhook events", "cargo check, only `v2026-10,webhook-events`", None, None),
        ("check webhook events router", "  the same, and `webhook-router,axum`", None, None),
    ];
    for &(name, figure, time_target, mem_target) in targets {
        let measured = results.get(name).map(Vec::as_slice).unwrap_or_default();
        let walls: Vec<f64> = measured.iter().map(|m| m.wall).collect();
        let cpus: Vec<f64> = measured.iter().filter_map(|m| m.tool.map(|t| t.2)).collect();
        let peaks: Vec<f64> = measured.iter().filter_map(|m| m.tool.map(|t| t.0)).collect();
        let cpu = median(&cpus).map_or(String::new(), |c| format!("polar CPU {c:.1} s "));
        // The versions' figure is the rustc CPU time, compared with one version's.
        let value = if name == "build all versions" { median(&cpus) } else { median(&walls) };
        rows.push(Row::new(
            figure,
            value,
            Unit::Seconds,
            time_target,
            format!("{cpu}{}", spread(&walls, Unit::Seconds)),
        ));
        let tool = if name == "doc" { "rustdoc" } else { "rustc" };
        rows.push(Row::new(
            &format!("  {tool} peak RSS"),
            median(&peaks),
            Unit::Megabytes,
            mem_target,
            spread(&peaks, Unit::Megabytes),
        ));
    }
    Ok(rows)
}

/// The rustdoc of the toolchain Cargo uses (the wrapper needs a real path).
fn real_rustdoc() -> Result<PathBuf, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).args(["--print", "sysroot"]).output().map_err(|e| format!("rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let rustdoc = Path::new(&sysroot).join("bin").join("rustdoc");
    if rustdoc.exists() {
        Ok(rustdoc)
    } else {
        Err(format!("no rustdoc at {}", rustdoc.display()))
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Err("the compile benchmark needs a Unix shell".to_owned())
}

// ---------------------------------------------------------------------------------------
// Rebuild of an application that uses the client

fn bench_app(root: &Path, runs: usize) -> Result<Vec<Row>, String> {
    println!("\n== bench-app rebuild after an edit ({runs} runs)");
    // A copy, so edits never touch the repository; the client stays at its real path.
    let target = root.join("target");
    let work = target.join("bench-app-work");
    let src = root.join("bench-app");
    std::fs::create_dir_all(work.join("src")).map_err(|e| e.to_string())?;
    let manifest = std::fs::read_to_string(src.join("Cargo.toml")).map_err(|e| format!("bench-app/Cargo.toml: {e}"))?;
    let client = root.join(codegen::polar::CLIENT_DIR);
    let manifest = manifest.replace("\"../generated-client\"", &format!("{:?}", client.display().to_string()));
    write_if_changed(&work.join("Cargo.toml"), &manifest)?;
    // The workspace's lock file: the same dependency versions, so the same artifacts.
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    if !work.join("Cargo.lock").exists() {
        write_if_changed(&work.join("Cargo.lock"), &lock)?;
    }
    let main = std::fs::read_to_string(src.join("src/main.rs")).map_err(|e| format!("bench-app/src/main.rs: {e}"))?;
    write_if_changed(&work.join("src/main.rs"), &main)?;
    let edit = work.join("src/edit.rs");

    let build = |n: usize| -> Result<f64, String> {
        std::fs::write(
            &edit,
            format!("//! Rewritten by `cargo xtask bench app` before each build.\npub const EDIT: u32 = {n};\n"),
        )
        .map_err(|e| e.to_string())?;
        let start = Instant::now();
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet"])
            .current_dir(&work)
            .env("CARGO_TARGET_DIR", &target)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        let wall = start.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!("bench-app build failed:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(wall)
    };
    println!("  first build (the client and dependencies, once; minutes when nothing is built yet)");
    let first = build(0)?;
    println!("  first build: {first:.1} s");
    build(1)?; // warm the incremental cache
    let mut walls = Vec::new();
    for run in 1..=runs {
        let wall = build(run + 1)?;
        println!("  run {run}: {wall:.2} s");
        walls.push(wall);
    }
    Ok(vec![Row::new(
        "bench-app rebuild after editing it",
        median(&walls),
        Unit::Seconds,
        Some(3.0),
        spread(&walls, Unit::Seconds),
    )])
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Environment

fn workspace_root() -> Result<PathBuf, String> {
    let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf);
    let from_cwd = std::env::current_dir().ok();
    let candidates =
        from_manifest.into_iter().chain(from_cwd.iter().flat_map(|d| d.ancestors().map(Path::to_path_buf)));
    for dir in candidates {
        if dir.join(codegen::polar::NEWEST_SPEC).exists() && dir.join(codegen::polar::CLIENT_DIR).is_dir() {
            return Ok(dir);
        }
    }
    Err("cannot find the workspace root (run from inside the workspace)".to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("machine: {cpus} CPUs, {model}; {rustc}; load average before: {}", loadavg())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".to_owned())
}
