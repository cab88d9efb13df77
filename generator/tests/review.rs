//! Review tooling (`codegen::review`): the API-surface snapshot of the pinned Polar spec,
//! the Markdown diff of Polar's 2025-06 spec against the pinned one, and the rating of each
//! kind of change on two tiny hand-written specs (`tests/data/review/shop-v{1,2}.yaml`).
//!
//! Snapshots are `snapshots/review_*.snap`; accept changes with
//! `INSTA_UPDATE=always cargo test -p polar-codegen --test review`, then read them.

use codegen::ir::{Api, TypeKind};
use codegen::review::surface::{ModelKind, Surface};
use codegen::review::{self, Bump, Caveat, ChangeKind, Impact, Report};
use codegen::{polar, Options};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Reads a file of `tests/data/review/`; its name relative to the crate is what errors show.
fn data(name: &str) -> (String, Vec<u8>) {
    let rel = format!("tests/data/review/{name}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (rel, bytes)
}

fn generate(file: &str, bytes: &[u8], options: &Options) -> codegen::Generated {
    codegen::generate(file, bytes, options).unwrap_or_else(|e| panic!("{e}"))
}

/// The newest pinned spec, generated on its own with the Polar options (once for all
/// tests).
fn pinned() -> &'static codegen::Generated {
    static PINNED: OnceLock<codegen::Generated> = OnceLock::new();
    PINNED.get_or_init(|| {
        let bytes = codegen::polar::newest_spec(&root()).unwrap_or_else(|e| panic!("{e}"));
        generate(polar::NEWEST_SPEC, &bytes, &polar::options())
    })
}

/// Polar's spec of June 2025 (`info.version` 0.1.0, before API versioning), with the Polar
/// options as `cargo xtask diff-spec` uses them for a Polar spec.
fn polar_2025_06() -> Api {
    let (file, bytes) = data("polar-2025-06.openapi.json");
    generate(&file, &bytes, &polar::options()).api
}

fn shop(version: u8) -> Api {
    let (file, bytes) = data(&format!("shop-v{version}.yaml"));
    generate(&file, &bytes, &Options::default()).api
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Every API version of the client: the newest one's surface is `review_polar_api_surface`;
/// this snapshot lists the versions, what they share, and what changes from each to the
/// next (the same text as `generated-client/API_VERSIONS.md`).
#[test]
fn polar_api_versions() {
    let generated = polar::generate(&root()).unwrap_or_else(|e| panic!("{e}"));
    let text = &generated.files[polar::VERSIONS_FILE];
    let apis: Vec<_> = generated.versions.iter().map(|v| v.api.clone()).collect();
    assert_eq!(text, &review::versions(&apis, &generated.shared));
    for api in &apis {
        assert!(text.contains(&format!("| `{}`", api.version)), "{} is listed", api.version);
    }
    snapshot("review_polar_api_versions", text);
}

#[test]
fn polar_api_surface() {
    let surface = review::surface(&pinned().api);
    snapshot("review_polar_api_surface", &surface);
}

#[test]
fn polar_2025_06_to_2026_10_diff() {
    let old = polar_2025_06();
    let report = review::diff(&old, &pinned().api);
    assert_eq!(report.bump(), Bump::Major, "{}", report.summary());
    snapshot("review_diff_polar_2025_06_to_2026_10", &report.to_markdown());
}

/// The surface spells fields and union arms exactly as the emitted model files declare them
/// (the surface re-derives the emitter's size-based boxing of union arms; this keeps the two
/// in step).
#[test]
fn surface_matches_emitted_models() {
    let generated = pinned();
    let api = &generated.api;
    let surface = Surface::of(api);
    let mut checked = 0;
    for def in &api.types {
        // prettyplease wraps long lines: compare without whitespace.
        let file = &squash(&generated.files[&format!("src/models/{}.rs", def.module)]);
        let model = surface.model(&def.name).expect("every type is in the surface");
        match (&def.kind, &model.kind) {
            (TypeKind::Struct(_), ModelKind::Struct(s)) => {
                for f in &s.fields {
                    let line = squash(&format!("pub {}: {},", f.name, f.ty));
                    assert!(file.contains(&line), "{}: no `{line}` in\n{file}", def.name);
                    checked += 1;
                }
            }
            (TypeKind::Union(_), ModelKind::Union(u)) => {
                for arm in &u.arms {
                    let line = match &arm.ty {
                        Some(ty) => squash(&format!("{}({ty}),", arm.name)),
                        None => format!("{},", arm.name),
                    };
                    assert!(file.contains(&line), "{}: no `{line}` in\n{file}", def.name);
                    checked += 1;
                }
            }
            (TypeKind::Enum(_), ModelKind::Enum(e)) => {
                for (variant, _) in &e.values {
                    assert!(file.contains(&format!("{variant},")), "{}: no variant `{variant}`", def.name);
                    checked += 1;
                }
            }
            (TypeKind::Alias(_), ModelKind::Alias(ty)) => {
                let line = squash(&format!("pub type {} = {ty};", def.name));
                assert!(file.contains(&line), "{}: no `{line}` in\n{file}", def.name);
            }
            (kind, shape) => panic!("{}: IR {kind:?} but surface {shape:?}", def.name),
        }
        if let ModelKind::Struct(s) = &model.kind {
            let ctor = file.split_once("pubfnnew(").map(|(_, rest)| rest.split_once(")->Self").expect("new() ends").0);
            match (&s.constructor, ctor) {
                (Some(args), Some(params)) => {
                    // The arguments appear in this order.
                    let mut rest = params;
                    for arg in args {
                        let at = rest
                            .find(&format!("{arg}:"))
                            .unwrap_or_else(|| panic!("{}: new() has no `{arg}` in `{params}`", def.name));
                        rest = &rest[at..];
                    }
                    let count = params.split(',').filter(|p| p.contains(':') && !p.contains("::")).count();
                    assert_eq!(count, args.len(), "{}: new({params})", def.name);
                }
                (None, None) => {}
                (expected, found) => panic!("{}: constructor {expected:?}, file has {found:?}", def.name),
            }
            assert_eq!(file.contains("Default,"), s.default, "{}: Default derive", def.name);
        }
    }
    assert!(checked > 5000, "checked {checked} fields, arms and variants");
    // Methods: the signature of the group method and its setters.
    for m in &surface.methods {
        let group = api.groups.iter().find(|g| g.path.join(".") == m.group).expect("group");
        let file = &squash(&generated.files[&format!("src/client/{}.rs", group.module)]);
        let args: Vec<String> = m.args.iter().map(|a| format!("{}:", a.name)).collect();
        let open = squash(&format!("pub fn {}(&self, {}", m.name, args.join("")));
        let found = file.match_indices(&squash(&format!("pub fn {}(&self", m.name))).any(|(at, _)| {
            // Arguments in order, then the builder.
            let rest = &file[at..];
            let end = rest.find('{').unwrap_or(rest.len());
            let head = &rest[..end];
            let mut pos = 0;
            let ordered = m.args.iter().all(|a| match head[pos..].find(&format!("{}:", a.name)) {
                Some(i) => {
                    pos += i;
                    true
                }
                None => false,
            });
            ordered && head.ends_with(&format!("->{}<'a>", m.builder))
        });
        assert!(found, "{}: no `{open}...-> {}<'a>`", m.id(), m.builder);
        for s in &m.setters {
            assert!(
                file.contains(&squash(&format!("pub fn {}(mut self, {}: ", s.name, s.name))),
                "{}: setter {}",
                m.id(),
                s.name
            );
        }
    }
}

#[test]
fn surface_is_deterministic_and_lists_everything() {
    let api = &pinned().api;
    let text = review::surface(api);
    assert_eq!(text, review::surface(api));
    let methods: usize = api.groups.iter().map(|g| g.operations.len()).sum();
    assert!(text.contains(&format!("## Methods ({methods})")));
    assert!(text.contains(&format!("## Models ({})", api.types.len())));
    assert!(text.contains(&format!("## Webhook events ({}; type read from `type`)", api.webhooks.len())));
    assert!(text.contains("\ntype Polar = Client\n"));
    assert!(text.contains("\ncustomers = [customers()]\n") && text.contains("\nwebhook-events = [mod webhooks]\n"));
    // A nested group, a required argument, a setter, streaming, an enum value, a union arm.
    assert!(
        text.contains("\ncustomer_portal.orders.list() -> ListResourceCustomerOrder  GET /v1/customer-portal/orders/"),
        "{}",
        &text[..2000]
    );
    assert!(text.contains("; stream CustomerOrder]"));
    assert!(text.lines().any(|l| l.starts_with("customers.get(id: ") && l.ends_with("]")));
}

/// The crate-level items the surface lists are the ones emit writes: the client alias, each
/// cargo feature with what it gates, and the property webhook events are dispatched on.
#[test]
fn surface_lists_the_alias_features_and_webhook_tag_emit_writes() {
    let generated = pinned();
    let surface = Surface::of(&generated.api);
    let lib = squash(&generated.files["src/lib.rs"]);
    let client = squash(&generated.files["src/client/mod.rs"]);
    assert_eq!(surface.client_alias.as_deref(), Some("Polar"));
    assert!(lib.contains("pubtypePolar=Client;"));
    assert!(surface.features.len() > 20, "{:?}", surface.features);
    let mut gated = 0;
    for feature in &surface.features {
        assert!(!feature.enables.is_empty(), "feature {} enables nothing", feature.name);
        for item in &feature.enables {
            let cfg = format!("#[cfg(feature=\"{}\")]", feature.name);
            let spelled = match item.strip_suffix("()") {
                None => item == "mod webhooks" && lib.contains(&format!("{cfg}pubmodwebhooks;")),
                Some(group) => client.contains(&format!("{cfg}pubfn{group}(&self)")),
            };
            assert!(spelled, "feature {} does not gate {item}", feature.name);
            gated += 1;
        }
    }
    // Every top-level group and the webhooks module, each under exactly one feature.
    let top_groups = generated.api.groups.iter().filter(|g| g.path.len() == 1).count();
    assert_eq!(gated, top_groups + 1);
    assert_eq!(surface.webhook_tag.as_deref(), Some("type"));
    assert!(generated.files["src/webhooks.rs"].contains("probe_tag(raw, \"type\")"));
}

fn one<'r>(report: &'r Report, kind: ChangeKind, subject: &str, item: Option<&str>) -> &'r review::Change {
    let found: Vec<_> = report.find(kind, subject).into_iter().filter(|c| c.item.as_deref() == item).collect();
    match found.as_slice() {
        [change] => change,
        _ => panic!(
            "expected one {kind:?} of {subject} {item:?}, found {found:#?}\nall changes:\n{}",
            report.to_markdown()
        ),
    }
}

/// Crate-level changes a build can depend on: cargo features (picked with
/// `default-features = false`), the client alias and how webhook events are told apart.
#[test]
fn features_alias_and_webhook_dispatch_changes_are_rated() {
    use review::diff::diff_surfaces;
    use review::surface::FeatureSurface;
    use ChangeKind::*;
    let old = Surface::of(&shop(1));
    let names: Vec<&str> = old.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["items", "stats", "webhook-events"]);
    assert_eq!(old.client_alias.as_deref(), Some("Shop"), "title `Shop API`");
    assert!(diff_surfaces(&old, &old).changes.is_empty());

    let mut new = old.clone();
    new.features.retain(|f| f.name != "stats");
    new.features[0].enables.push("stats()".to_owned());
    new.features.push(FeatureSurface { name: "orders".to_owned(), enables: vec!["orders()".to_owned()] });
    new.client_alias = None;
    new.webhook_tag = Some("kind".to_owned());
    let report = diff_surfaces(&old, &new);
    let rating = |kind, subject, item| one(&report, kind, subject, item).impact;
    assert_eq!(rating(FeatureRemoved, "stats", None), Impact::Breaking);
    assert_eq!(rating(FeatureAdded, "orders", None), Impact::Minor);
    assert_eq!(rating(FeatureContentsChanged, "items", Some("stats()")), Impact::Minor);
    assert_eq!(rating(ClientAliasChanged, "client", None), Impact::Breaking);
    assert_eq!(rating(WebhookDispatchChanged, "WebhookEvent", None), Impact::Patch);
    assert_eq!(report.bump(), Bump::Major);
    assert!(report.to_markdown().contains("## Cargo features"), "{}", report.to_markdown());

    // The reverse: a feature that stops compiling a group breaks; an alias that appears is
    // an addition.
    let back = diff_surfaces(&new, &old);
    let rating = |kind, subject, item| one(&back, kind, subject, item).impact;
    assert_eq!(rating(FeatureContentsChanged, "items", Some("stats()")), Impact::Breaking);
    assert_eq!(rating(ClientAliasChanged, "client", None), Impact::Minor);
}

#[test]
fn shop_changes_are_rated() {
    let report = review::diff(&shop(1), &shop(2));
    let rating = |kind, subject, item| one(&report, kind, subject, item).impact;
    use ChangeKind::*;
    // Operations.
    assert_eq!(rating(OperationRemoved, "items.delete_item", None), Impact::Breaking);
    assert_eq!(rating(OperationAdded, "items.update_item", None), Impact::Minor);
    assert_eq!(rating(SetterAdded, "items.list", Some("cursor")), Impact::Minor);
    assert_eq!(rating(ArgumentAdded, "items.get_item", Some("expand")), Impact::Breaking);
    assert_eq!(rating(ReturnTypeChanged, "stats.get", None), Impact::Breaking);
    // A request body type: a new required field breaks callers, a new optional one only literals.
    assert_eq!(rating(FieldAdded, "ItemCreate", Some("sku")), Impact::Breaking);
    assert_eq!(rating(ConstructorChanged, "ItemCreate", Some("new")), Impact::Breaking);
    assert_eq!(rating(FieldAdded, "ItemCreate", Some("description")), Impact::MinorCaveat(Caveat::StructLiterals));
    // A response type: additions do not break decoding or reading.
    let color = one(&report, FieldAdded, "Item", Some("color"));
    assert_eq!(color.impact, Impact::MinorCaveat(Caveat::StructLiterals));
    assert!(!color.impact.is_breaking());
    assert!(color.detail.contains("decoding unaffected"), "{}", color.detail);
    assert_eq!(rating(FieldAdded, "Item", Some("created_at")), Impact::MinorCaveat(Caveat::ResponseConstruction));
    assert_eq!(rating(FieldRemoved, "Item", Some("note")), Impact::Breaking);
    assert_eq!(rating(FieldRetyped, "Item", Some("price")), Impact::Breaking);
    let name = one(&report, FieldOptionAdded, "Item", Some("name"));
    assert_eq!(name.impact, Impact::Breaking);
    assert!(name.detail.contains("`String` → `Option<String>`"), "{}", name.detail);
    // Enums and unions: additions break only exhaustive matches, removals break.
    assert_eq!(rating(EnumValueAdded, "ItemStatus", Some("draft")), Impact::MinorCaveat(Caveat::ExhaustiveMatches));
    assert_eq!(rating(EnumValueRemoved, "Currency", Some("gbp")), Impact::Breaking);
    assert_eq!(rating(UnionArmAdded, "Event", Some("Updated")), Impact::MinorCaveat(Caveat::ExhaustiveMatches));
    // Models: the renamed Stats is spotted by shape.
    let stats = one(&report, ModelRemoved, "Stats", None);
    assert_eq!(stats.impact, Impact::Breaking);
    assert!(stats.detail.contains("same shape as the new `StatsV2`"), "{}", stats.detail);
    assert_eq!(rating(ModelAdded, "StatsV2", None), Impact::Minor);
    assert_eq!(rating(ModelAdded, "ItemUpdate", None), Impact::Minor);
    assert_eq!(rating(WebhookAdded, "item.deleted", None), Impact::MinorCaveat(Caveat::ExhaustiveMatches));
    assert_eq!(rating(ApiVersionChanged, "client", None), Impact::Patch);
    // Nothing else is called breaking.
    let breaking: Vec<String> = report.breaking().map(|c| format!("{:?} {} {:?}", c.kind, c.subject, c.item)).collect();
    assert_eq!(
        breaking,
        [
            "OperationRemoved items.delete_item None",
            "ArgumentAdded items.get_item Some(\"expand\")",
            "ReturnTypeChanged stats.get None",
            "ModelRemoved Stats None",
            "ConstructorChanged ItemCreate Some(\"new\")",
            "FieldOptionAdded Item Some(\"name\")",
            "FieldRemoved Item Some(\"note\")",
            "FieldRetyped Item Some(\"price\")",
            "FieldAdded ItemCreate Some(\"sku\")",
            "EnumValueRemoved Currency Some(\"gbp\")",
        ],
        "\n{}",
        report.to_markdown()
    );
    assert_eq!(report.bump(), Bump::Major);
    let markdown = report.to_markdown();
    assert!(markdown.contains("**Suggested version bump:** **major**"), "{markdown}");
    assert!(markdown.contains("0.x: 0.(x+1).0"), "{markdown}");
}

#[test]
fn shop_diff_reads_well() {
    snapshot("review_diff_shop_v1_to_v2", &review::diff(&shop(1), &shop(2)).to_markdown());
}

#[test]
fn no_change_and_reverse() {
    let (v1, v2) = (shop(1), shop(2));
    let same = review::diff(&v1, &v1);
    assert!(same.changes.is_empty(), "{:#?}", same.changes);
    assert_eq!(same.bump(), Bump::None);
    assert!(same.to_markdown().contains("No changes to the Rust API."));
    // Backwards, additions become removals.
    let back = review::diff(&v2, &v1);
    assert_eq!(one(&back, ChangeKind::OperationRemoved, "items.update_item", None).impact, Impact::Breaking);
    assert_eq!(one(&back, ChangeKind::EnumValueRemoved, "ItemStatus", Some("draft")).impact, Impact::Breaking);
    assert_eq!(one(&back, ChangeKind::FieldOptionRemoved, "Item", Some("name")).impact, Impact::Breaking);
    assert_eq!(one(&back, ChangeKind::WebhookRemoved, "item.deleted", None).impact, Impact::Breaking);
}

/// Only additions that break nothing but literals and matches: a minor bump.
#[test]
fn additions_only_suggest_minor() {
    let more = shop_v1_with(&[
        ("enum: [active, archived]", "enum: [active, archived, draft]"),
        ("        note: {type: string}\n", "        note: {type: string}\n        color: {type: string}\n"),
    ]);
    let report = review::diff(&shop(1), &more);
    assert_eq!(report.counts(), (0, 2, 0, 0), "{}", report.to_markdown());
    assert_eq!(report.bump(), Bump::Minor);
    assert!(report.bump_advice().contains("0.(x+1).0 to be safe"), "{}", report.bump_advice());
}

/// Generates shop-v1.yaml with text replacements applied.
fn shop_v1_with(replacements: &[(&str, &str)]) -> Api {
    let (file, bytes) = data("shop-v1.yaml");
    let mut text = String::from_utf8(bytes).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "shop-v1.yaml has no {from:?}");
        text = text.replace(from, to);
    }
    generate(&file, text.as_bytes(), &Options::default()).api
}

#[test]
fn required_and_optional_arguments_swap() {
    let v1 = shop(1);
    let required_limit =
        shop_v1_with(&[("{name: limit, in: query, schema", "{name: limit, in: query, required: true, schema")]);
    let report = review::diff(&v1, &required_limit);
    let change = one(&report, ChangeKind::SetterBecameArgument, "items.list", Some("limit"));
    assert_eq!(change.impact, Impact::Breaking);
    assert_eq!(report.changes.len(), 1, "{}", report.to_markdown());
    let back = review::diff(&required_limit, &v1);
    assert_eq!(one(&back, ChangeKind::ArgumentBecameSetter, "items.list", Some("limit")).impact, Impact::Breaking);
    assert_eq!(back.changes.len(), 1, "{}", back.to_markdown());
}

/// A type spelled through a new alias is the same Rust type: no change but the new alias.
#[test]
fn aliases_are_looked_through() {
    let inline = shop_v1_with(&[(
        "        note: {type: string}\n",
        "        note: {type: string}\n        tags: {type: object, additionalProperties: {type: string}}\n",
    )]);
    let aliased = shop_v1_with(&[
        (
            "        note: {type: string}\n",
            "        note: {type: string}\n        tags: {$ref: \"#/components/schemas/Tags\"}\n",
        ),
        ("  schemas:\n", "  schemas:\n    Tags: {type: object, additionalProperties: {type: string}}\n"),
    ]);
    let surface = review::surface(&aliased);
    assert!(surface.contains("\n  tags: Option<Tags>\n"), "{surface}");
    assert!(surface.contains("\ntype Tags = BTreeMap<String, String> [response]\n"), "{surface}");
    let report = review::diff(&inline, &aliased);
    let kinds: Vec<_> = report.changes.iter().map(|c| (c.kind, c.subject.as_str())).collect();
    assert_eq!(kinds, [(ChangeKind::ModelAdded, "Tags")], "{}", report.to_markdown());
}

#[test]
fn bad_input_is_refused() {
    let (file, bytes) = data("broken.yaml");
    let error = codegen::generate(&file, &bytes, &Options::default()).err().expect("broken.yaml is refused");
    let shown = error.to_string();
    assert!(shown.starts_with("tests/data/review/broken.yaml:"), "{shown}");
    assert!(shown.contains("Missing"), "{shown}");
    let error = codegen::generate("empty.json", b"", &Options::default()).err().expect("empty input is refused");
    assert!(error.to_string().starts_with("empty.json"), "{error}");
}

/// Text without whitespace and without the trailing commas prettyplease adds when it wraps.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<String>().replace(",)", ")")
}
