//! Bad input gets a clear refusal: every spec in `tests/data/bad/` (and the loader's
//! fixtures in `tests/data/load/`, reused) is refused by `codegen::generate` with a message
//! that is one line saying where (file, line when known, a JSON pointer that exists in the
//! document) and what, plus one `hint:` line. All messages are snapshotted together in
//! `snapshots/error_messages.snap`, so a change in wording is reviewed like code.

use std::path::Path;

/// Refusals that cannot know a line (there is no text to point into).
const NO_LINE: &[&str] = &["tests/data/load/empty.json"];

/// Wording that leaks the generator's internals instead of naming the OpenAPI construct.
const JARGON: &[&str] = &["flattened data", "no variant of enum", "ReferenceOr", "ParameterSchemaOrContent"];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/data/load/*` then `tests/data/bad/*` (specs only), sorted, as crate-relative paths.
fn bad_files() -> Vec<String> {
    let mut all = Vec::new();
    for dir in ["tests/data/load", "tests/data/bad"] {
        let path = manifest_dir().join(dir);
        let mut files: Vec<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
            .filter(|f| !f.ends_with(".md"))
            .map(|f| format!("{dir}/{f}"))
            .collect();
        files.sort();
        all.extend(files);
    }
    all
}

/// Checks one refusal; returns its problems (empty when the message is good).
fn check(file: &str, bytes: &[u8], err: &codegen::SpecError) -> Vec<String> {
    let mut problems = Vec::new();
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    if lines.len() != 2 || !lines[1].starts_with("  hint: ") {
        problems.push(format!("not one line plus a `  hint:` line: {shown:?}"));
    }
    if err.file != file {
        problems.push(format!("names file `{}`, not `{file}`", err.file));
    }
    match err.line {
        None if !NO_LINE.contains(&file) => problems.push("no line number".to_owned()),
        Some(line) if line == 0 || line > bytes.split(|b| *b == b'\n').count() => {
            problems.push(format!("line {line} is outside the file"))
        }
        _ => {}
    }
    let expected_start = match err.line {
        Some(line) => format!("{file}:{line}: at "),
        None => format!("{file}: at "),
    };
    if !lines.first().is_some_and(|l| l.starts_with(&expected_start)) {
        problems.push(format!("does not start with `{expected_start}`"));
    }
    if !(err.pointer.is_empty() || err.pointer.starts_with('/'))
        || err.pointer.split('/').any(|t| t == ".." || t == ".")
    {
        problems.push(format!("`{}` is not a JSON pointer into the document", err.pointer));
    } else if let Ok(doc) = codegen::load::parse(file, bytes) {
        // The pointer names a node of the document (or, for a missing key, its parent).
        let parent = err.pointer.rsplit_once('/').map_or("", |(p, _)| p);
        if doc.value.pointer(&err.pointer).is_none() && doc.value.pointer(parent).is_none() {
            problems.push(format!("pointer `{}` does not exist in the document", err.pointer));
        }
    }
    for jargon in JARGON {
        if err.message.contains(jargon) {
            problems.push(format!("message uses generator-internal wording `{jargon}`"));
        }
    }
    problems
}

#[test]
fn bad_specs_are_refused_clearly() {
    let mut snapshot = String::new();
    let mut failures = Vec::new();
    for file in bad_files() {
        let bytes = std::fs::read(manifest_dir().join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let outcome = std::panic::catch_unwind(|| codegen::generate(&file, &bytes, &codegen::Options::default()));
        snapshot.push_str(&format!("# {file}\n"));
        match outcome {
            Err(_) => {
                failures.push(format!("{file}: the generator panicked"));
                snapshot.push_str("PANIC\n\n");
            }
            Ok(Ok(_)) => {
                failures.push(format!("{file}: accepted, should be refused"));
                snapshot.push_str("ACCEPTED (should be refused)\n\n");
            }
            Ok(Err(err)) => {
                for problem in check(&file, &bytes, &err) {
                    failures.push(format!("{file}: {problem}\n    {}", err.to_string().replace('\n', "\n    ")));
                }
                snapshot.push_str(&format!("{err}\n\n"));
            }
        }
    }
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("error_messages", snapshot);
    });
    assert!(failures.is_empty(), "{} bad specs are not refused clearly:\n{}", failures.len(), failures.join("\n"));
}
