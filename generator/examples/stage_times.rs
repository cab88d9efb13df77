//! Prints how long each pipeline stage takes on a spec (release build recommended):
//! `cargo run --release -p polar-codegen --example stage_times -- spec/polar-2026-10.openapi.json`
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: stage_times SPEC");
    let bytes = std::fs::read(&path).expect("readable spec");
    let options = codegen::polar::options();
    let t = Instant::now();
    let doc = codegen::load::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let t_load = t.elapsed();
    let t = Instant::now();
    let lowered = codegen::lower::lower(&doc).unwrap_or_else(|e| panic!("{e}"));
    let t_lower = t.elapsed();
    let t = Instant::now();
    let api = codegen::ir::build(&lowered.openapi, &path, &options).unwrap_or_else(|e| panic!("{e}"));
    let t_ir = t.elapsed();
    let t = Instant::now();
    let provenance = codegen::write::Provenance { spec_file: &path, sha256: &doc.sha256 };
    let files = codegen::write::render(&api, &provenance, &lowered.warnings);
    let t_render = t.elapsed();
    println!("load {t_load:?}\nlower {t_lower:?}\nir {t_ir:?}\nemit+format {t_render:?}\n({} files)", files.len());
}
