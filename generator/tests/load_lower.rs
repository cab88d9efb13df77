//! Stage 1 (load) and stage 2 (lower): the pinned Polar spec, each lowering rule on a tiny
//! document, one fixture per refusal, and the third-party specs.

use codegen::error::{SpecError, Warning};
use codegen::load::{self, Document, Format};
use codegen::lower::{self, Lowered};
use openapiv3::{ReferenceOr, SchemaKind, Type};
use serde_json::{json, Value};

const POLAR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/polar-2026-10.openapi.json");

fn data(rel: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn polar() -> (Document, Lowered) {
    let bytes = std::fs::read(POLAR).expect("read the pinned Polar spec");
    let doc = load::parse("spec/polar-2026-10.openapi.json", &bytes).expect("Polar spec parses");
    let lowered = lower::lower(&doc).unwrap_or_else(|e| panic!("Polar spec lowers: {e}"));
    (doc, lowered)
}

/// Lowers an inline document given as JSON.
fn lower_doc(doc: Value) -> Lowered {
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let doc = load::parse("inline.json", text.as_bytes()).unwrap_or_else(|e| panic!("parse: {e}"));
    lower::lower(&doc).unwrap_or_else(|e| panic!("lower: {e}"))
}

fn lower_err(doc: Value) -> SpecError {
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let doc = load::parse("inline.json", text.as_bytes()).unwrap_or_else(|e| panic!("parse: {e}"));
    lower::lower(&doc).expect_err("lowering should refuse this document")
}

/// A 3.1 document holding `schemas` under components.
fn with_schemas(schemas: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas}
    })
}

/// Lowers one schema (as components.schemas.S); returns the lowered JSON and the model's view.
fn lower_schema(schema: Value) -> (Value, openapiv3::Schema, Vec<Warning>) {
    let lowered = lower_doc(with_schemas(json!({ "S": schema })));
    let value = lowered.value["components"]["schemas"]["S"].clone();
    let model = match &lowered.openapi.components.as_ref().unwrap().schemas["S"] {
        ReferenceOr::Item(s) => s.clone(),
        ReferenceOr::Reference { reference } => panic!("S became a reference to {reference}"),
    };
    (value, model, lowered.warnings)
}

fn messages(warnings: &[Warning]) -> Vec<String> {
    warnings.iter().map(|w| w.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// The pinned Polar spec.

#[test]
fn polar_loads_and_lowers() {
    let (doc, lowered) = polar();
    assert_eq!(doc.format, Format::Json);
    assert_eq!(doc.sha256.len(), 64);
    assert!(doc.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert!(doc.is_3_1());

    // The one key the 3.0 model has no place for: a non-standard `enumNames` map.
    assert_eq!(
        messages(&lowered.warnings),
        ["/components/schemas/Scope/enumNames: dropped: the OpenAPI 3.0 model has no place for `enumNames`"]
    );

    let api = &lowered.openapi;
    assert_eq!(api.openapi, "3.1.0");
    assert_eq!(api.paths.paths.len(), doc.value["paths"].as_object().unwrap().len());
    let components = api.components.as_ref().unwrap();
    assert_eq!(components.schemas.len(), doc.value["components"]["schemas"].as_object().unwrap().len());
    assert_eq!(api.info.extensions["x-summary"], json!("Polar HTTP and Webhooks API"));
}

#[test]
fn polar_webhooks_land_in_x_webhooks() {
    let (_, lowered) = polar();
    assert!(lowered.value.get("webhooks").is_none());
    let hooks = lowered.openapi.extensions["x-webhooks"].as_object().expect("x-webhooks object");
    assert_eq!(hooks.len(), 41);
    let created = &hooks["checkout.created"];
    let item: ReferenceOr<openapiv3::PathItem> = serde_json::from_value(created.clone()).unwrap();
    let item = item.into_item().unwrap();
    let post = item.post.expect("webhooks are POSTs");
    let body = post.request_body.unwrap().into_item().unwrap();
    assert_eq!(
        body.content["application/json"].schema,
        Some(ReferenceOr::ref_("#/components/schemas/WebhookCheckoutCreatedPayload"))
    );
}

#[test]
fn polar_lowering_facts() {
    let (_, lowered) = polar();
    let schemas = &lowered.value["components"]["schemas"];
    let model = &lowered.openapi.components.as_ref().unwrap().schemas;

    // anyOf [array with prefixItems, null] → the array, nullable, prefixItems kept.
    let tax_id = &schemas["CustomerIndividual"]["properties"]["tax_id"];
    assert_eq!(tax_id["type"], "array");
    assert_eq!(tax_id["nullable"], true);
    assert_eq!(tax_id["title"], "Tax Id");
    assert_eq!(tax_id["x-prefix-items"], json!([{"type": "string"}, {"$ref": "#/components/schemas/TaxIDFormat"}]));
    assert_eq!(tax_id["example"], json!(["911144442", "us_ein"]));
    assert_eq!(tax_id["x-examples"].as_array().unwrap().len(), 2);

    // anyOf [$ref, null] → allOf [$ref] + nullable.
    assert_eq!(
        schemas["Account"]["properties"]["billing_address"],
        json!({"allOf": [{"$ref": "#/components/schemas/Address"}], "nullable": true})
    );
    let ReferenceOr::Item(account) = &model["Account"] else { panic!() };
    let SchemaKind::Type(Type::Object(account)) = &account.schema_kind else { panic!("Account is an object") };
    let ReferenceOr::Item(billing) = &account.properties["billing_address"] else { panic!() };
    assert!(billing.schema_data.nullable);
    assert!(matches!(&billing.schema_kind, SchemaKind::AllOf { all_of } if all_of.len() == 1));

    // Integer bounds written as floats, and a numeric exclusiveMinimum stricter than minimum.
    let ReferenceOr::Item(props) = &model["BenefitLicenseKeyActivationCreateProperties"] else { panic!() };
    let SchemaKind::Type(Type::Object(props)) = &props.schema_kind else { panic!() };
    let ReferenceOr::Item(limit) = &props.properties["limit"] else { panic!() };
    let SchemaKind::Type(Type::Integer(limit)) = &limit.schema_kind else { panic!("limit stays an integer") };
    assert_eq!((limit.minimum, limit.exclusive_minimum, limit.maximum), (Some(0), true, Some(2147483647)));

    // A query parameter's exclusiveMinimum: 0 → minimum: 0 + exclusiveMinimum: true.
    let page = &lowered.value["paths"]["/v1/organizations/"]["get"]["parameters"][1];
    assert_eq!(page["name"], "page");
    assert_eq!(page["schema"]["minimum"], 0);
    assert_eq!(page["schema"]["exclusiveMinimum"], true);

    // const → enum + x-const, type kept.
    let t = &schemas["AddCurrencyAction"]["properties"]["type"];
    assert_eq!(
        (&t["type"], &t["enum"], &t["x-const"]),
        (&json!("string"), &json!(["add_currency"]), &json!("add_currency"))
    );

    // patternProperties and propertyNames kept as extensions.
    let auth = &schemas["OIDCConfigurationClientSecret"]["properties"]["authorization_parameters"];
    assert_eq!(auth["x-pattern-properties"]["^[a-zA-Z0-9_.-]{1,64}$"]["maxLength"], 256);
    assert!(schemas["BenefitCustomCreate"]["properties"]["metadata"].get("x-property-names").is_some());

    // No 3.1-only keyword survives anywhere in a schema.
    let text = lowered.value.to_string();
    for keyword in [
        "\"prefixItems\"",
        "\"propertyNames\"",
        "\"patternProperties\"",
        "\"const\"",
        "\"type\":\"null\"",
        "\"type\":[",
    ] {
        assert!(!text.contains(keyword), "{keyword} left in the lowered document");
    }
}

// ---------------------------------------------------------------------------------------
// Lowering rules, one tiny document each.

#[test]
fn any_of_null_with_inline_alternative_merges_into_parent() {
    let (value, model, warnings) = lower_schema(json!({
        "anyOf": [{"type": "string", "maxLength": 5, "description": "inner", "examples": ["x"]}, {"type": "null"}],
        "title": "T",
        "description": "outer",
        "default": null
    }));
    assert_eq!(
        value,
        json!({"title": "T", "description": "outer", "default": null, "type": "string", "maxLength": 5,
               "example": "x", "x-examples": ["x"], "nullable": true})
    );
    assert!(model.schema_data.nullable);
    assert_eq!(model.schema_data.description.as_deref(), Some("outer"));
    assert!(matches!(model.schema_kind, SchemaKind::Type(Type::String(ref s)) if s.max_length == Some(5)));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn any_of_null_with_conflicting_inline_alternative_is_kept_whole() {
    // Merging would overwrite the parent's `required` with the alternative's.
    let (value, _, warnings) = lower_schema(json!({
        "required": ["a"],
        "anyOf": [{"type": "object", "required": ["b"]}, {"type": "null"}]
    }));
    assert_eq!(value, json!({"required": ["a"], "allOf": [{"type": "object", "required": ["b"]}], "nullable": true}));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn any_of_null_with_ref_becomes_all_of_nullable() {
    let doc = with_schemas(json!({
        "A": {"type": "object"},
        "S": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}], "description": "maybe A"}
    }));
    let lowered = lower_doc(doc);
    assert_eq!(
        lowered.value["components"]["schemas"]["S"],
        json!({"description": "maybe A", "allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
    );
}

#[test]
fn union_with_several_alternatives_keeps_them_and_is_nullable() {
    let doc = with_schemas(json!({
        "A": {"type": "object"},
        "B": {"type": "object"},
        "S": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"type": "null"}]}
    }));
    let lowered = lower_doc(doc);
    let s = &lowered.value["components"]["schemas"]["S"];
    assert_eq!(s["oneOf"].as_array().unwrap().len(), 2);
    assert_eq!(s["nullable"], true);
}

#[test]
fn union_of_only_null() {
    let (value, model, _) = lower_schema(json!({"anyOf": [{"type": "null"}]}));
    assert_eq!(value, json!({"nullable": true, "enum": [null], "x-null": true}));
    assert!(model.schema_data.nullable);
}

#[test]
fn type_array_with_null() {
    let (value, model, _) = lower_schema(json!({"type": ["integer", "null"], "format": "int64"}));
    assert_eq!(value, json!({"type": "integer", "format": "int64", "nullable": true}));
    assert!(model.schema_data.nullable);
    assert!(matches!(model.schema_kind, SchemaKind::Type(Type::Integer(_))));
}

#[test]
fn type_array_with_several_types_splits_into_any_of() {
    let (value, model, warnings) = lower_schema(json!({
        "type": ["string", "integer", "null"],
        "minLength": 1,
        "minimum": 0.0,
        "format": "int32",
        "description": "either"
    }));
    assert_eq!(
        value,
        json!({
            "description": "either",
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "integer", "minimum": 0, "format": "int32"}
            ],
            "nullable": true
        })
    );
    let SchemaKind::AnyOf { any_of } = &model.schema_kind else { panic!("{model:?}") };
    assert!(matches!(&any_of[1], ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Integer(_)))));
    assert!(warnings.is_empty(), "{warnings:?}");

    let (value, _, _) = lower_schema(json!({
        "type": ["array", "object"],
        "items": {"type": ["string", "null"]},
        "properties": {"a": {"type": "boolean"}},
        "required": ["a"]
    }));
    assert_eq!(
        value,
        json!({"anyOf": [
            {"type": "array", "items": {"type": "string", "nullable": true}},
            {"type": "object", "properties": {"a": {"type": "boolean"}}, "required": ["a"]}
        ]})
    );
}

#[test]
fn type_array_enum_picks_the_types_it_uses() {
    let (value, _, _) = lower_schema(json!({"type": ["string", "integer", "null"], "enum": ["a", "b", null]}));
    assert_eq!(value, json!({"type": "string", "enum": ["a", "b", null], "nullable": true}));
    let (value, _, _) = lower_schema(json!({"type": ["string", "boolean"], "enum": ["a", true]}));
    assert_eq!(value, json!({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "boolean", "enum": [true]}]}));
}

#[test]
fn type_null_alone() {
    let (value, model, warnings) = lower_schema(json!({"type": "null", "description": "always null"}));
    assert_eq!(value, json!({"description": "always null", "nullable": true, "enum": [null], "x-null": true}));
    assert!(model.schema_data.nullable);
    assert!(matches!(model.schema_kind, SchemaKind::Any(ref any) if any.enumeration == vec![Value::Null]));
    assert!(warnings.is_empty());
}

#[test]
fn numeric_exclusive_bounds() {
    let (value, model, _) = lower_schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5}));
    assert_eq!(
        value,
        json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 1.5})
    );
    let SchemaKind::Type(Type::Number(n)) = model.schema_kind else { panic!() };
    assert_eq!((n.minimum, n.exclusive_minimum, n.maximum, n.exclusive_maximum), (Some(0.0), true, Some(1.5), true));

    // An inclusive bound that is already stricter wins.
    let (value, _, _) = lower_schema(
        json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 1, "maximum": 9, "exclusiveMaximum": 9}),
    );
    assert_eq!(value, json!({"type": "integer", "minimum": 5, "maximum": 9, "exclusiveMaximum": true}));

    // 3.0 boolean form is left alone.
    let (value, _, _) = lower_schema(json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}));
    assert_eq!(value, json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}));
}

#[test]
fn const_becomes_enum() {
    let (value, model, _) = lower_schema(json!({"type": "string", "const": "fixed"}));
    assert_eq!(value, json!({"type": "string", "enum": ["fixed"], "x-const": "fixed"}));
    assert!(
        matches!(model.schema_kind, SchemaKind::Type(Type::String(ref s)) if s.enumeration == [Some("fixed".to_string())])
    );

    let (value, model, _) = lower_schema(json!({"const": 3}));
    assert_eq!(value, json!({"type": "integer", "enum": [3], "x-const": 3}));
    assert!(matches!(model.schema_kind, SchemaKind::Type(Type::Integer(_))));

    let (value, _, _) = lower_schema(json!({"const": true}));
    assert_eq!(value, json!({"type": "boolean", "enum": [true], "x-const": true}));

    let (value, _, _) = lower_schema(json!({"const": null}));
    assert_eq!(value, json!({"nullable": true, "enum": [null], "x-const": null}));
}

#[test]
fn schema_examples_become_example() {
    let (value, model, _) = lower_schema(json!({"type": "string", "examples": ["a", "b"]}));
    assert_eq!(value, json!({"type": "string", "example": "a", "x-examples": ["a", "b"]}));
    assert_eq!(model.schema_data.example, Some(json!("a")));
    assert_eq!(model.schema_data.extensions["x-examples"], json!(["a", "b"]));

    let (value, _, _) = lower_schema(json!({"type": "string", "example": "keep", "examples": ["a"]}));
    assert_eq!(value, json!({"type": "string", "example": "keep", "x-examples": ["a"]}));
}

#[test]
fn media_type_and_parameter_examples_are_untouched() {
    let lowered = lower_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"},
                            "examples": {"one": {"value": "1"}}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "integer"}, "examples": {"two": {"value": 2}}}}}}
        }}}
    }));
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
    let op = &lowered.value["paths"]["/a"]["get"];
    assert_eq!(op["parameters"][0]["examples"]["one"]["value"], "1");
    assert_eq!(op["responses"]["200"]["content"]["application/json"]["examples"]["two"]["value"], 2);
}

#[test]
fn json_schema_keywords_become_extensions_and_are_lowered() {
    let (value, _, warnings) = lower_schema(json!({
        "type": "object",
        "propertyNames": {"type": "string", "const": "k"},
        "patternProperties": {"^x": {"type": ["string", "null"]}},
        "properties": {
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer", "exclusiveMinimum": 0}]}
        }
    }));
    assert_eq!(value["x-property-names"], json!({"type": "string", "enum": ["k"], "x-const": "k"}));
    assert_eq!(value["x-pattern-properties"], json!({"^x": {"type": "string", "nullable": true}}));
    assert_eq!(
        value["properties"]["pair"],
        json!({"type": "array", "x-prefix-items": [
            {"type": "string"}, {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
        ]})
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn content_keywords_become_format() {
    let (value, model, _) = lower_schema(json!({"type": "string", "contentMediaType": "image/png"}));
    assert_eq!(value, json!({"type": "string", "format": "binary", "x-content-media-type": "image/png"}));
    assert!(matches!(model.schema_kind, SchemaKind::Type(Type::String(ref s))
        if s.format == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)));

    // base64 is 3.0's `format: byte`.
    let (value, _, _) = lower_schema(json!({"type": "string", "contentEncoding": "base64"}));
    assert_eq!(value, json!({"type": "string", "format": "byte", "x-content-encoding": "base64"}));

    // An explicit format is kept.
    let (value, _, _) =
        lower_schema(json!({"type": "string", "format": "binary", "contentMediaType": "application/pdf"}));
    assert_eq!(value, json!({"type": "string", "format": "binary", "x-content-media-type": "application/pdf"}));
}

#[test]
fn ref_with_siblings_becomes_all_of() {
    let doc = with_schemas(json!({
        "A": {"type": "string"},
        "S": {"type": "object", "properties": {
            "a": {"$ref": "#/components/schemas/A", "description": "the a", "default": "x", "examples": ["y"]},
            "b": {"$ref": "#/components/schemas/A"}
        }}
    }));
    let lowered = lower_doc(doc);
    let props = &lowered.value["components"]["schemas"]["S"]["properties"];
    assert_eq!(
        props["a"],
        json!({"description": "the a", "default": "x", "example": "y", "x-examples": ["y"],
               "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
    assert_eq!(props["b"], json!({"$ref": "#/components/schemas/A"}));
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
}

#[test]
fn integral_float_bounds_on_integers() {
    let (value, model, warnings) = lower_schema(
        json!({"type": "integer", "minimum": -2147483648.0, "maximum": 10.0, "multipleOf": 2.0, "enum": [2.0, 4]}),
    );
    assert_eq!(
        value,
        json!({"type": "integer", "minimum": -2147483648i64, "maximum": 10, "multipleOf": 2, "enum": [2, 4]})
    );
    let SchemaKind::Type(Type::Integer(i)) = model.schema_kind else { panic!("still an integer") };
    assert_eq!((i.minimum, i.maximum, i.multiple_of), (Some(-2147483648), Some(10), Some(2)));
    assert!(warnings.is_empty());

    // A real fraction is not rounded; the model's fallback is reported instead.
    let (_, model, warnings) = lower_schema(json!({"type": "integer", "minimum": 0.5}));
    assert!(matches!(model.schema_kind, SchemaKind::Any(_)));
    assert_eq!(
        messages(&warnings),
        ["/components/schemas/S: untyped: openapiv3 reads this `integer` schema as untyped because its enum values or bounds are not all of type integer"]
    );
}

#[test]
fn boolean_schemas() {
    let (value, _, _) = lower_schema(
        json!({"type": "object", "properties": {"any": true, "never": false}, "additionalProperties": false}),
    );
    assert_eq!(
        value,
        json!({"type": "object", "properties": {"any": {}, "never": {"not": {}}}, "additionalProperties": false})
    );
}

#[test]
fn root_level_3_1_fields() {
    let lowered = lower_doc(json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "t", "summary": "short", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
        "webhooks": {
            "ping": {"$ref": "#/components/pathItems/Ping"},
            "inline": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}},
                                "responses": {"200": {"description": "ok"}}}}
        },
        "components": {"pathItems": {"Ping": {"post": {"responses": {"200": {"description": "ok"}}}}}}
    }));
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
    let v = &lowered.value;
    assert_eq!(v["paths"], json!({}));
    assert_eq!(v["x-json-schema-dialect"], "https://spec.openapis.org/oas/3.1/dialect/base");
    assert_eq!(v["info"]["x-summary"], "short");
    assert_eq!(v["info"]["license"]["x-identifier"], "MIT");
    assert_eq!(v["x-webhooks"]["ping"], json!({"$ref": "#/components/x-path-items/Ping"}));
    assert!(v["components"]["x-path-items"]["Ping"]["post"].is_object());
    assert_eq!(
        v["x-webhooks"]["inline"]["post"]["requestBody"]["content"]["application/json"]["schema"],
        json!({"type": "string", "nullable": true})
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["openapi", "x-json-schema-dialect", "info", "x-webhooks", "components", "paths"]);
    assert_eq!(lowered.openapi.info.extensions["x-summary"], "short");
    assert_eq!(lowered.openapi.openapi, "3.1.0");
}

#[test]
fn a_3_0_documents_own_x_webhooks_is_left_alone() {
    let lowered = lower_doc(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "x-webhooks": {"anything": ["goes", {"$ref": "elsewhere.yaml"}]}
    }));
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
    assert_eq!(lowered.value["x-webhooks"]["anything"][0], "goes");
}

#[test]
fn original_pointer_undoes_container_renames() {
    let text = serde_json::to_string(&json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"a": {}},
        "x-other": {}
    }))
    .unwrap();
    let doc = load::parse("p.json", text.as_bytes()).unwrap();
    assert_eq!(lower::original_pointer(&doc, "/x-webhooks/a/post"), "/webhooks/a/post");
    assert_eq!(lower::original_pointer(&doc, "/x-webhooksy"), "/x-webhooksy");
    assert_eq!(lower::original_pointer(&doc, "/components/x-path-items/P"), "/components/x-path-items/P");
    assert_eq!(lower::original_pointer(&doc, "/x-other"), "/x-other");
}

#[test]
fn schemas_are_lowered_wherever_they_appear() {
    let nullable_string = json!({"type": ["string", "null"]});
    let lowered_string = json!({"type": "string", "nullable": true});
    let lowered = lower_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": nullable_string}],
            "post": {
                "parameters": [{"name": "h", "in": "header", "content": {"text/plain": {"schema": nullable_string}}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "additionalProperties": nullable_string,
                    "properties": {
                        "list": {"type": "array", "items": nullable_string},
                        "neg": {"not": nullable_string},
                        "all": {"allOf": [nullable_string]}
                    }
                }}}},
                "responses": {"200": {"description": "ok",
                    "headers": {"X-Rate": {"schema": nullable_string}},
                    "content": {"application/json": {"schema": nullable_string}}}},
                "callbacks": {"onEvent": {"{$request.body#/url}": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": nullable_string}}},
                    "responses": {"200": {"description": "ok"}}}}}}
            }
        }},
        "components": {
            "parameters": {"P": {"name": "p", "in": "query", "schema": nullable_string}},
            "headers": {"H": {"schema": nullable_string}},
            "requestBodies": {"B": {"content": {"application/json": {"schema": nullable_string}}}},
            "responses": {"R": {"description": "r", "content": {"application/json": {"schema": nullable_string}}}}
        }
    }));
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
    let v = &lowered.value;
    let item = &v["paths"]["/a/{id}"];
    let post = &item["post"];
    let body = &post["requestBody"]["content"]["application/json"]["schema"];
    for (what, node) in [
        ("path item parameter", &item["parameters"][0]["schema"]),
        ("parameter content", &post["parameters"][0]["content"]["text/plain"]["schema"]),
        ("additionalProperties", &body["additionalProperties"]),
        ("items", &body["properties"]["list"]["items"]),
        ("not", &body["properties"]["neg"]["not"]),
        ("allOf", &body["properties"]["all"]["allOf"][0]),
        ("response header", &post["responses"]["200"]["headers"]["X-Rate"]["schema"]),
        ("response", &post["responses"]["200"]["content"]["application/json"]["schema"]),
        (
            "callback",
            &post["callbacks"]["onEvent"]["{$request.body#/url}"]["post"]["requestBody"]["content"]["application/json"]
                ["schema"],
        ),
        ("components.parameters", &v["components"]["parameters"]["P"]["schema"]),
        ("components.headers", &v["components"]["headers"]["H"]["schema"]),
        ("components.requestBodies", &v["components"]["requestBodies"]["B"]["content"]["application/json"]["schema"]),
        ("components.responses", &v["components"]["responses"]["R"]["content"]["application/json"]["schema"]),
    ] {
        assert_eq!(node, &lowered_string, "{what}");
    }
}

// ---------------------------------------------------------------------------------------
// The drop check.

#[test]
fn drop_check_reports_what_the_model_cannot_hold() {
    let lowered = lower_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"responses": {
                "2xx": {"description": "ok"},
                "200": {"description": "ok", "summary": "3.1 has no summary here"},
                "teapot": {"description": "not a status code"}
            }}},
            "not-a-path": {"summary": "paths start with /"}
        },
        "components": {"schemas": {"S": {
            "type": "object",
            "$comment": "kept nowhere",
            "if": {"required": ["a"]},
            "then": {"required": ["b"]},
            "deprecated": false,
            "unevaluatedProperties": false,
            "dependentRequired": {},
            "x-fine": true,
            "properties": {"a": {"type": "string", "$comment": "also"}}
        }}}
    }));
    assert_eq!(
        messages(&lowered.warnings),
        [
            "/components/schemas/S/$comment: dropped: the OpenAPI 3.0 model has no place for `$comment`",
            "/components/schemas/S/if: dropped: the OpenAPI 3.0 model has no place for `if`",
            "/components/schemas/S/properties/a/$comment: dropped: the OpenAPI 3.0 model has no place for `$comment`",
            "/components/schemas/S/then: dropped: the OpenAPI 3.0 model has no place for `then`",
            "/paths/not-a-path: dropped: the OpenAPI 3.0 model has no place for `not-a-path`",
            "/paths/~1a/get/responses/200/summary: dropped: the OpenAPI 3.0 model has no place for `summary`",
            "/paths/~1a/get/responses/teapot: dropped: the OpenAPI 3.0 model has no place for `teapot`",
        ]
    );
    // Sorted and deduplicated.
    let mut sorted = lowered.warnings.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, lowered.warnings);
}

#[test]
fn drop_check_covers_webhooks_and_reference_siblings() {
    let lowered = lower_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"hook": {"post": {"responses": {"200": {"description": "ok", "unknown": 1}}}}},
        "paths": {"/a": {"get": {
            "parameters": [{"$ref": "#/components/parameters/P", "description": "3.1 allows this"}],
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "string"}}}}
    }));
    assert_eq!(
        messages(&lowered.warnings),
        [
            "/paths/~1a/get/parameters/0/description: dropped: the OpenAPI 3.0 model has no place for `description`",
            "/webhooks/hook/post/responses/200/unknown: dropped: the OpenAPI 3.0 model has no place for `unknown`",
        ]
    );
}

#[test]
fn typed_schema_falling_back_to_any_is_reported() {
    let (_, model, warnings) = lower_schema(json!({"type": "string", "minimum": 1}));
    assert!(matches!(model.schema_kind, SchemaKind::Any(_)));
    assert_eq!(
        messages(&warnings),
        ["/components/schemas/S: untyped: openapiv3 reads this `string` schema as untyped because it also has `minimum`"]
    );
    // An untyped schema with properties is what it says it is: no warning.
    let (_, _, warnings) = lower_schema(json!({"properties": {"a": {"type": "string"}}}));
    assert!(warnings.is_empty());
}

// ---------------------------------------------------------------------------------------
// References.

#[test]
fn references_resolve_with_escapes() {
    let lowered = lower_doc(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a/b": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/With%20Space"}}}}}}},
            "/c": {"$ref": "#/paths/~1a~1b"}},
        "components": {"schemas": {"With Space": {"type": "string"}}},
        "x-pagination": {"item": {"$ref": "#/components/schemas/With%20Space"}}
    }));
    assert!(lowered.warnings.is_empty());
}

#[test]
fn unresolved_reference_in_an_extension_is_refused() {
    let err = lower_err(json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}, "x-pagination": {"item": {"$ref": "#/components/schemas/Nope"}}}}}
    }));
    assert_eq!(err.pointer, "/paths/~1a/get/x-pagination/item/$ref");
    assert!(err.message.contains("#/components/schemas/Nope"), "{err}");
}

#[test]
fn anchor_reference_is_refused() {
    let err = lower_err(with_schemas(json!({"S": {"$ref": "#Pet"}})));
    assert_eq!(err.pointer, "/components/schemas/S/$ref");
    assert!(err.message.contains("plain-name fragment"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Refusals, one fixture each.

struct Expect {
    fixture: &'static str,
    pointer: &'static str,
    line: Option<usize>,
    message: &'static str,
    hint: &'static str,
}

fn refused(fixture: &str) -> SpecError {
    let bytes = data(&format!("load/{fixture}"));
    let name = format!("tests/data/load/{fixture}");
    match load::parse(&name, &bytes) {
        Err(e) => e,
        Ok(doc) => match lower::lower(&doc) {
            Err(e) => e,
            Ok(_) => panic!("{fixture} was accepted"),
        },
    }
}

#[test]
fn refusals() {
    let cases = [
        Expect {
            fixture: "not-utf8.yaml",
            pointer: "",
            line: Some(3),
            message: "the file is not valid UTF-8 (invalid byte at offset 33)",
            hint: "UTF-8",
        },
        Expect { fixture: "empty.json", pointer: "", line: None, message: "the file is empty", hint: "OpenAPI 3.0 or 3.1" },
        Expect {
            fixture: "malformed.json",
            pointer: "",
            line: Some(13),
            message: "malformed JSON: trailing comma (column 3)",
            hint: "JSON syntax",
        },
        Expect {
            fixture: "malformed.yaml",
            pointer: "",
            line: Some(11),
            message: "malformed YAML: did not find expected key",
            hint: "indentation",
        },
        Expect {
            fixture: "root-array.json",
            pointer: "",
            line: Some(1),
            message: "the document root is an array, not an object",
            hint: "openapi: 3.1.0",
        },
        Expect {
            fixture: "swagger2.yaml",
            pointer: "/swagger",
            line: Some(2),
            message: "this is a Swagger 2.0 document; only OpenAPI 3.0.x and 3.1.x are supported",
            hint: "swagger2openapi",
        },
        Expect {
            fixture: "missing-openapi.json",
            pointer: "",
            line: Some(1),
            message: "the `openapi` field is missing",
            hint: "openapi: 3.1.0",
        },
        Expect {
            fixture: "unsupported-version.yaml",
            pointer: "/openapi",
            line: Some(1),
            message: "unsupported OpenAPI version `3.2.0`; only 3.0.x and 3.1.x are supported",
            hint: "3.0.x or 3.1.x",
        },
        Expect {
            fixture: "numeric-version.yaml",
            pointer: "/openapi",
            line: Some(1),
            message: "`openapi` must be a version string such as \"3.1.0\", found a number",
            hint: "quote the version",
        },
        Expect {
            fixture: "unresolved-ref.json",
            pointer: "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
            line: Some(12),
            message: "`$ref` target `#/components/schemas/Pet` does not exist in this document",
            hint: "define `Pet` under /components/schemas",
        },
        Expect {
            fixture: "external-ref.yaml",
            pointer: "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
            line: Some(14),
            message: "external `$ref` `./schemas.yaml#/Pet` is not supported",
            hint: "bundle the spec into a single file",
        },
        Expect {
            fixture: "bad-model.yaml",
            pointer: "/paths/~1pets/get/parameters/1/in",
            line: Some(14),
            message: "does not fit the OpenAPI 3.0 model: unknown variant `body`, expected one of `query`, `header`, `path`, `cookie`",
            hint: "Parameter object",
        },
        Expect {
            fixture: "bad-schema.json",
            pointer: "/components/schemas/Pet/properties/tags/maxItems",
            line: Some(11),
            message: "does not fit the OpenAPI 3.0 model: invalid type: string \"ten\", expected usize",
            hint: "Schema object",
        },
    ];
    for case in cases {
        let err = refused(case.fixture);
        let file = format!("tests/data/load/{}", case.fixture);
        assert_eq!(err.file, file, "{}", case.fixture);
        assert_eq!(err.pointer, case.pointer, "{}: {err}", case.fixture);
        assert_eq!(err.line, case.line, "{}: {err}", case.fixture);
        assert!(err.message.starts_with(case.message), "{}: {err}", case.fixture);
        let hint = err.hint.as_deref().unwrap_or_else(|| panic!("{}: no hint", case.fixture));
        assert!(hint.contains(case.hint), "{}: {hint}", case.fixture);

        // Display: one line saying where and what, then the hint line.
        let shown = err.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 2, "{shown}");
        let at = match case.line {
            Some(line) => format!("{file}:{line}: at "),
            None => format!("{file}: at "),
        };
        assert!(lines[0].starts_with(&at), "{shown}");
        assert!(lines[0].ends_with(&err.message), "{shown}");
        assert_eq!(lines[1], format!("  hint: {hint}"));
    }
}

#[test]
fn openapi_2_0_in_the_openapi_field_points_at_swagger2openapi() {
    let err = load::parse("x.json", br#"{"openapi": "2.0", "info": {}}"#).unwrap_err();
    assert_eq!(err.pointer, "/openapi");
    assert!(err.hint.unwrap().contains("swagger2openapi"));
}

#[test]
fn accepted_versions() {
    for v in ["3.0.0", "3.0.3", "3.0.4", "3.1.0", "3.1.1", "3.1.2", "3.0.0-rc2"] {
        let text = format!(r#"{{"openapi": "{v}", "info": {{"title": "t", "version": "1"}}, "paths": {{}}}}"#);
        load::parse("v.json", text.as_bytes()).unwrap_or_else(|e| panic!("{v}: {e}"));
    }
    for v in ["3.2.0", "3", "3.0", "3.1", "4.0.0", "3.1.x", "", "3.10.0"] {
        let text = format!(r#"{{"openapi": "{v}", "info": {{"title": "t", "version": "1"}}, "paths": {{}}}}"#);
        assert!(load::parse("v.json", text.as_bytes()).is_err(), "{v} accepted");
    }
}

// ---------------------------------------------------------------------------------------
// Loading.

#[test]
fn format_detection_and_hash() {
    let yaml = data("specs/oai-petstore.yaml");
    let doc = load::parse("specs/oai-petstore.yaml", &yaml).unwrap();
    assert_eq!(doc.format, Format::Yaml);
    assert_eq!(doc.sha256, "598136cb904e17e8eeead51ae33dd8d401fdff455d2d74f3869c4aa5f2742266");
    // Unquoted status codes are integers in YAML; they become string keys.
    assert!(doc.value["paths"]["/pets"]["get"]["responses"].get("200").is_some());

    // No extension: sniffed.
    let json = br#"  {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
    assert_eq!(load::parse("spec", json).unwrap().format, Format::Json);
    let yaml = b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    assert_eq!(load::parse("spec", yaml).unwrap().format, Format::Yaml);
    // A byte-order mark is tolerated.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(json);
    assert_eq!(load::parse("bom.json", &bom).unwrap().format, Format::Json);
}

#[test]
fn yaml_merge_keys_and_anchors() {
    let yaml = b"openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Base: &base
      type: object
      description: base
    Derived:
      <<: *base
      description: derived
    1: {type: string}
";
    let doc = load::parse("m.yaml", yaml).unwrap();
    assert_eq!(doc.value["components"]["schemas"]["Derived"], json!({"description": "derived", "type": "object"}));
    assert_eq!(doc.value["components"]["schemas"]["1"], json!({"type": "string"}));
}

#[test]
fn line_of_json() {
    let text = r#"{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/a/{b}": {
      "get": {
        "parameters": [
          {"name": "b", "in": "path"},
          {
            "name": "c\"~",
            "in": "query"
          }
        ]
      }
    }
  },
  "x-\u00e9": [1, [2, {"k": "v"}]]
}"#;
    let doc = load::parse("l.json", text.as_bytes()).unwrap();
    let cases = [
        ("", Some(1)),
        ("/openapi", Some(2)),
        ("/info/version", Some(3)),
        ("/paths/~1a~1{b}", Some(5)),
        ("/paths/~1a~1{b}/get/parameters/0", Some(8)),
        ("/paths/~1a~1{b}/get/parameters/1", Some(9)),
        ("/paths/~1a~1{b}/get/parameters/1/in", Some(11)),
        ("/x-é/1/1/k", Some(17)),
        ("/paths/~1a~1{b}/get/parameters/2", None),
        ("/missing", None),
        ("/openapi/deeper", None),
        ("no-leading-slash", None),
    ];
    for (pointer, line) in cases {
        assert_eq!(load::line_of(&doc, pointer), line, "{pointer}");
    }
}

#[test]
fn line_of_yaml() {
    let text = "# comment
openapi: 3.1.0
info:
  title: t   # trailing comment
  version: '1'
paths:
  '/a/{b}':
    get:
      description: |
        parameters:
          - fake: 1
      parameters:
        - name: b
          in: path
        -
          name: \"c\"
          in: query
        - {name: d, in: query}
      responses:
        200:
          description: ok
tags:
- name: first
- name: second
  description: x
";
    let doc = load::parse("l.yaml", text.as_bytes()).unwrap();
    let cases = [
        ("", Some(2)),
        ("/openapi", Some(2)),
        ("/info/title", Some(4)),
        ("/info/version", Some(5)),
        ("/paths/~1a~1{b}/get", Some(8)),
        ("/paths/~1a~1{b}/get/parameters", Some(12)),
        ("/paths/~1a~1{b}/get/parameters/0", Some(13)),
        ("/paths/~1a~1{b}/get/parameters/0/in", Some(14)),
        ("/paths/~1a~1{b}/get/parameters/1", Some(15)),
        ("/paths/~1a~1{b}/get/parameters/1/in", Some(17)),
        ("/paths/~1a~1{b}/get/parameters/2", Some(18)),
        ("/paths/~1a~1{b}/get/responses/200/description", Some(21)),
        ("/tags/1/description", Some(25)),
        ("/tags/2", None),
        ("/nope", None),
    ];
    for (pointer, line) in cases {
        assert_eq!(load::line_of(&doc, pointer), line, "{pointer}");
    }
}

#[test]
fn line_of_never_panics() {
    let sources = [
        String::from_utf8(data("specs/oai-petstore.yaml")).unwrap(),
        String::from_utf8(data("specs/oai-petstore-expanded.json")).unwrap(),
        "{\"a\": [\"\\u12\", {\"\\uD800\": 1}], \"b\"".to_string(),
        "a:\n  - - - b: 'x''y'\n  \"q\\\": 1\n- : :\n\t\t?\n".to_string(),
    ];
    let pointers = [
        "",
        "/",
        "//",
        "/paths",
        "/paths/~1pets/get/parameters/0/schema/maximum",
        "/paths/~1pets/get/responses/200/headers/x-next/schema/type",
        "/a/0",
        "/a/1/\u{d7ff}",
        "/b",
        "/a/0/0/0/b",
        "/q\\",
        "/99999999999999999999999",
        "~",
    ];
    for source in &sources {
        // Every prefix of the text, including cuts inside strings, escapes and multibyte chars.
        let cuts: Vec<usize> = (0..=source.len()).filter(|&i| source.is_char_boundary(i)).step_by(7).collect();
        for &cut in &cuts {
            for format in [Format::Json, Format::Yaml] {
                let doc = Document {
                    file: "f".into(),
                    format,
                    text: source[..cut].to_string(),
                    value: Value::Null,
                    sha256: String::new(),
                };
                for pointer in pointers {
                    let _ = load::line_of(&doc, pointer);
                    let _ = load::nearest_line(&doc, pointer);
                }
            }
        }
    }
}

#[test]
fn garbage_never_panics() {
    let inputs: Vec<&[u8]> = vec![
        b"",
        b"\x00",
        b"{",
        b"[]",
        b"null",
        b"openapi: 3.1.0",
        b"openapi: 3.1.0\ninfo: 5\npaths: []\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {200: 5}}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {200: {$ref: 5}}}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: {type: [1, 2]}, B: {anyOf: 3}, C: {oneOf: [null, {type: null}]}, D: {$ref: []}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: {type: integer, minimum: .nan}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: {properties: {a: {items: [true, false]}}}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {a: {post: {responses: {200: {}}}}}\n",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {securitySchemes: {m: {type: mutualTLS}}}\n",
        b"openapi: 3.1.0\n? [a, b]\n: c\n",
        b"&a [*a]",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
    ];
    for input in inputs {
        if let Ok(doc) = load::parse("g.yaml", input) {
            let _ = lower::lower(&doc);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Third-party specs (tests/data/specs, see its README for provenance).

#[test]
fn third_party_specs_load_and_lower() {
    let cases = [
        ("oai-petstore.yaml", Format::Yaml, 2),
        ("oai-petstore-expanded.json", Format::Json, 2),
        ("oai-webhook-example.yaml", Format::Yaml, 0),
        ("oxide-buildomat.json", Format::Json, 20),
        ("resend.yaml", Format::Yaml, 64),
    ];
    for (file, format, paths) in cases {
        let bytes = data(&format!("specs/{file}"));
        let doc = load::parse(file, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.format, format, "{file}");
        let lowered = lower::lower(&doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lowered.openapi.paths.paths.len(), paths, "{file}");
        assert!(lowered.warnings.is_empty(), "{file}: {:?}", lowered.warnings);
    }

    // The webhooks-only 3.1 example gets an empty `paths` and its webhook in x-webhooks.
    let doc = load::parse("w.yaml", &data("specs/oai-webhook-example.yaml")).unwrap();
    let lowered = lower::lower(&doc).unwrap();
    assert!(lowered.openapi.extensions["x-webhooks"]["newPet"]["post"].is_object());
}

// ---------------------------------------------------------------------------------------
// Timing (release build): cargo test --release -p polar-codegen --test load_lower -- --ignored --nocapture

#[test]
#[ignore]
fn timing_polar() {
    let bytes = std::fs::read(POLAR).unwrap();
    let mut best = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..15 {
        let start = std::time::Instant::now();
        let doc = load::parse("polar.json", &bytes).unwrap();
        let parsed = start.elapsed();
        let lowered = lower::lower(&doc).unwrap();
        let total = start.elapsed();
        if total < best.1 {
            best = (parsed, total);
        }
        drop((doc, lowered));
    }
    println!("parse {:?}, parse+lower {:?} (best of 15)", best.0, best.1);
}
