//! `cargo xtask diff-spec OLD NEW`: what changes in the generated Rust API between two specs,
//! as Markdown on stdout (see `codegen::review`).

use codegen::Options;
use std::path::Path;

/// Reads and generates both specs and prints the Markdown report. Fails (with the
/// generator's error: file, line, pointer, hint) when a file is unreadable or a spec is
/// refused.
pub fn diff_spec(old: &str, new: &str) -> Result<(), String> {
    print!("{}", report(old, new)?);
    Ok(())
}

/// Parses `diff-spec` arguments: exactly two paths.
pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [old, new] if !old.starts_with('-') && !new.starts_with('-') => diff_spec(old, new),
        _ => Err("diff-spec needs two spec files: cargo xtask diff-spec OLD NEW".to_owned()),
    }
}

/// The Markdown report comparing the crates generated from the specs at `old` and `new`.
pub fn report(old: &str, new: &str) -> Result<String, String> {
    let old_api = api(old)?;
    let new_api = api(new)?;
    let mut report = codegen::review::diff(&old_api, &new_api);
    report.old_label = format!("{} ({})", report.old_label, file_name(old));
    report.new_label = format!("{} ({})", report.new_label, file_name(new));
    Ok(report.to_markdown())
}

/// Generates the API of one spec, with the Polar options for Polar's spec (title
/// "Polar API") and the defaults for any other.
fn api(path: &str) -> Result<codegen::ir::Api, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let doc = codegen::load::parse(path, &bytes).map_err(|e| e.to_string())?;
    let title = doc.value.pointer("/info/title").and_then(|t| t.as_str());
    let options = if title == Some("Polar API") { codegen::polar::options() } else { Options::default() };
    let generated = codegen::generate(path, &bytes, &options).map_err(|e| e.to_string())?;
    Ok(generated.api)
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> String {
        format!("{}/../generator/tests/data/review/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn reports_the_changes_between_two_specs() {
        let markdown = report(&data("shop-v1.yaml"), &data("shop-v2.yaml")).unwrap();
        assert!(
            markdown.starts_with("# Rust API changes: Shop API 1.0 (shop-v1.yaml) → Shop API 2.0 (shop-v2.yaml)\n"),
            "{markdown}"
        );
        assert!(markdown.contains("**Suggested version bump:** **major**"), "{markdown}");
        assert!(markdown.contains("- **breaking**: `items.delete_item(id: String) -> ()`"), "{markdown}");
    }

    #[test]
    fn refuses_missing_files_and_bad_specs() {
        let missing = report(&data("no-such-spec.yaml"), &data("shop-v2.yaml")).unwrap_err();
        assert!(missing.contains("no-such-spec.yaml: No such file"), "{missing}");
        let broken = report(&data("shop-v1.yaml"), &data("broken.yaml")).unwrap_err();
        assert!(broken.contains("broken.yaml:") && broken.contains("Missing"), "{broken}");
        let not_a_spec =
            report(&data("shop-v1.yaml"), &format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(not_a_spec.contains("Cargo.toml"), "{not_a_spec}");
        assert!(run(&["only-one.yaml".to_owned()]).unwrap_err().contains("needs two spec files"));
    }
}
