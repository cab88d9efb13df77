//! Prints the IR of a spec as text: `cargo run -p polar-codegen --example dump_ir -- SPEC`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump_ir SPEC");
    let bytes = std::fs::read(&path).expect("readable spec");
    let doc = codegen::load::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let lowered = codegen::lower::lower(&doc).unwrap_or_else(|e| panic!("{e}"));
    let api = codegen::ir::build(&lowered.openapi, &path, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    print!("{}", api.dump_types());
}
