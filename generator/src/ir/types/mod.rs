//! Schemas → named Rust types.
//!
//! Every component schema becomes a type named after it. Inline schemas that need a
//! definition (objects, enums, unions) become types too; structurally identical inline
//! schemas share one type, named at the end when all places that use it are known.
//!
//! The builder's state and its life cycle (components first, then operations, then
//! [`TypeBuilder::finish`]) are here; the work is split by concern:
//! - `schema`: a normalized read-only view of one openapiv3 schema, and what it says
//!   besides its type (docs, examples, facts, discriminators);
//! - `shapes`: the Rust type expression or definition a schema becomes (structs,
//!   `allOf` merging, enums, primitives, tuples, maps);
//! - `unions`: `oneOf`/`anyOf` as tagged or untagged unions and the order of their arms;
//! - `naming`: names of shared inline types and union arms, given once every use is known;
//! - `boxing`: which fields and arms are boxed (cycles, large arms);
//! - `decoding`: how each union is decoded (one scalar visitor, or buffered JSON with the
//!   `const` guards of untagged arms).

mod boxing;
mod decoding;
mod naming;
mod schema;
mod shapes;
mod unions;

use super::{Presence, Ty, TypeDef, TypeId, TypeKind};
use crate::error::{escape_pointer_token, SpecError, Warning};
use crate::names::{self, NameScope};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use schema::{allows_null, defines_type, discriminator_properties, doc_of, view};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where an inline schema sits, used to name the type it may become.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Name the type would get from its position alone (`CustomerMetadataValue`).
    pub name: String,
    /// The last part of `name` (`MetadataValue`): shared inline types are named by it
    /// when every place that uses them agrees on it.
    pub suffix: String,
    pub pointer: String,
    /// The schema sits in an operation (parameter, body, response) rather than under
    /// `components`: shared types prefer names from components, which change less.
    pub in_operation: bool,
}

impl Ctx {
    pub fn new(name: &str, pointer: String) -> Self {
        let name = names::type_name(name);
        Ctx { suffix: name.clone(), name, pointer, in_operation: false }
    }

    /// Context of a schema inside an operation.
    pub fn operation(name: &str, pointer: String) -> Self {
        Ctx { in_operation: true, ..Ctx::new(name, pointer) }
    }

    /// Context of a nested schema: `part` is appended to the type name, `token` to the pointer.
    pub fn child(&self, part: &str, token: &str) -> Ctx {
        let part = if part.is_empty() { String::new() } else { names::type_name(part) };
        Ctx {
            name: format!("{}{}", self.name, part),
            suffix: part,
            pointer: format!("{}/{}", self.pointer, escape_pointer_token(token)),
            in_operation: self.in_operation,
        }
    }

    fn with_suffix(&self, part: &str, token: &str) -> Ctx {
        let mut ctx = self.child(part, token);
        ctx.suffix = format!("{}{}", self.suffix, ctx.suffix);
        ctx
    }
}

pub(crate) struct TypeBuilder<'a> {
    pub file: &'a str,
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    pub types: Vec<TypeDef>,
    /// Component schema name → type. Lookup only; output order comes from `types`.
    components: HashMap<String, TypeId>,
    /// Structural key of an inline type → the type, so identical shapes share one type.
    inline: HashMap<String, TypeId>,
    /// Naming contexts of every place an inline type is used, by type.
    sites: BTreeMap<TypeId, Vec<Ctx>>,
    scope: NameScope,
    /// Components that define a struct, enum or union but also allow `null`.
    nullable_components: BTreeSet<TypeId>,
    /// Property names any discriminator in the spec dispatches on.
    discriminators: BTreeSet<String>,
    pub warnings: Vec<Warning>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(spec: &'a OpenAPI, file: &'a str) -> Result<Self, SpecError> {
        static NO_SCHEMAS: std::sync::OnceLock<IndexMap<String, ReferenceOr<Schema>>> = std::sync::OnceLock::new();
        let schemas = spec.components.as_ref().map_or_else(|| NO_SCHEMAS.get_or_init(IndexMap::new), |c| &c.schemas);
        Ok(TypeBuilder {
            file,
            schemas,
            types: Vec::new(),
            components: HashMap::new(),
            inline: HashMap::new(),
            sites: BTreeMap::new(),
            scope: NameScope::with_reserved(names::reserved_type_names()),
            discriminators: discriminator_properties(spec),
            nullable_components: BTreeSet::new(),
            warnings: Vec::new(),
        })
    }

    pub fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.to_owned(), message: message.into() });
    }

    /// Registers every component schema under its final name, then builds them.
    pub fn build_components(&mut self) -> Result<(), SpecError> {
        let names: Vec<String> = self.schemas.keys().cloned().collect();
        // Schemas already spelled as Rust type names claim them first, so `FooBar` keeps
        // its name and `Foo_Bar` becomes `FooBar2` rather than the other way round.
        let mut claimed: HashMap<&str, String> = HashMap::new();
        for exact in [true, false] {
            for name in &names {
                let wanted = names::type_name(name);
                if (wanted == *name) == exact {
                    claimed.insert(name, self.scope.claim(&wanted));
                }
            }
        }
        for name in &names {
            let id = self.types.len();
            let type_name = claimed[name.as_str()].clone();
            self.types.push(TypeDef {
                name: type_name,
                module: String::new(),
                doc: None,
                pointer: format!("/components/schemas/{}", escape_pointer_token(name)),
                kind: TypeKind::Alias(Ty::Json),
            });
            self.components.insert(name.clone(), id);
            if let ReferenceOr::Item(schema) = &self.schemas[name] {
                let v = view(schema);
                if allows_null(schema, &v) && defines_type(&v) {
                    self.nullable_components.insert(id);
                }
            }
        }
        for name in &names {
            let id = self.components[name];
            let schema = &self.schemas[name];
            let ctx = Ctx::new(&self.types[id].name, self.types[id].pointer.clone());
            let (kind, doc) = match &schema {
                ReferenceOr::Reference { reference } => {
                    (TypeKind::Alias(self.reference(reference, &ctx.pointer)?), None)
                }
                ReferenceOr::Item(schema) => {
                    // A title that only repeats the schema's name says nothing.
                    let title =
                        schema.schema_data.title.clone().filter(|t| names::type_name(t) != names::type_name(name));
                    let doc = doc_of(&schema.schema_data).or(title);
                    (self.definition(schema, &ctx)?, doc)
                }
            };
            self.types[id].kind = kind;
            self.types[id].doc = doc;
        }
        self.refuse_alias_cycles()
    }

    /// A type alias cannot mention itself (`A = B`, `B = A`, or `A = Vec<A>`): such
    /// schemas describe no finite value and are refused with the cycle spelled out.
    fn refuse_alias_cycles(&self) -> Result<(), SpecError> {
        for start in 0..self.types.len() {
            let TypeKind::Alias(_) = self.types[start].kind else { continue };
            // Depth-first over aliases only: structs, enums and unions break a cycle.
            let mut stack = vec![(start, vec![start])];
            let mut seen = BTreeSet::new();
            while let Some((id, chain)) = stack.pop() {
                let TypeKind::Alias(ty) = &self.types[id].kind else { continue };
                let mut next = Vec::new();
                ty.named_types(&mut next);
                for target in next {
                    if target == start {
                        let names: Vec<&str> =
                            chain.iter().chain([&start]).map(|i| self.types[*i].name.as_str()).collect();
                        return Err(SpecError::new(
                            self.file,
                            &self.types[start].pointer,
                            format!("schema is defined only in terms of itself ({})", names.join(" -> ")),
                        )
                        .with_hint("a `$ref` cycle needs an object (or union) in between to describe a value"));
                    }
                    if seen.insert(target) {
                        let mut chain = chain.clone();
                        chain.push(target);
                        stack.push((target, chain));
                    }
                }
            }
        }
        Ok(())
    }

    /// `Ty::Named` of the component a `$ref` points at.
    pub fn reference(&mut self, reference: &str, pointer: &str) -> Result<Ty, SpecError> {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(id) = self.components.get(&name) {
                return Ok(if self.nullable_components.contains(id) {
                    Ty::Option(Box::new(Ty::Named(*id)))
                } else {
                    Ty::Named(*id)
                });
            }
        }
        Err(SpecError::new(self.file, pointer, format!("`$ref: {reference}` does not name a component schema"))
            .with_hint("the generator resolves references to `#/components/schemas/<name>` only"))
    }

    /// The schema a reference (or inline schema) stands for, following `$ref` chains.
    fn resolve<'s>(&'s self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        let mut current = schema;
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    current = self.schemas.get(&name.replace("~1", "/").replace("~0", "~"))?;
                }
            }
        }
        None
    }

    /// Defines (or reuses) an inline type of the given shape.
    pub fn intern(&mut self, kind: TypeKind, ctx: &Ctx) -> TypeId {
        let key = format!("{kind:?}");
        let id = match self.inline.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.types.len();
                self.types.push(TypeDef {
                    name: String::new(),
                    module: String::new(),
                    doc: None,
                    pointer: ctx.pointer.clone(),
                    kind,
                });
                self.inline.insert(key, id);
                id
            }
        };
        self.sites.entry(id).or_default().push(ctx.clone());
        id
    }

    /// The type an alias (`pub type X = ...`) stands for, following alias chains.
    pub fn resolve_alias(&self, ty: &Ty) -> Ty {
        super::resolve_alias(&self.types, ty).clone()
    }

    /// Marks the type of a PATCH body: its optional nullable fields become three-state.
    pub fn mark_patch(&mut self, ty: &Ty) {
        let Ty::Named(id) = ty.non_null() else { return };
        match &mut self.types[*id].kind {
            TypeKind::Struct(s) => {
                s.patch = true;
                for f in &mut s.fields {
                    if f.presence == Presence::Optional && f.nullable {
                        f.presence = Presence::Tristate;
                    }
                }
            }
            TypeKind::Union(u) => {
                let members: Vec<Ty> = u.variants.iter().filter_map(|v| v.ty.clone()).collect();
                for m in members {
                    if m.non_null() != ty.non_null() {
                        self.mark_patch(&m);
                    }
                }
            }
            TypeKind::Alias(inner) => {
                let inner = inner.clone();
                if inner.non_null() != ty.non_null() {
                    self.mark_patch(&inner);
                }
            }
            TypeKind::Enum(_) => {}
        }
    }

    /// Names inline types, boxes recursive fields and assigns modules.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Warning>) {
        self.name_inline_types();
        self.name_union_arms();
        self.box_cycles();
        self.box_large_arms();
        decoding::plan_unions(&mut self.types);
        for def in &mut self.types {
            if let TypeKind::Struct(s) = &mut def.kind {
                let required = s
                    .fields
                    .iter()
                    .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
                    .count();
                s.constructor = (1..=7).contains(&required);
                s.default = required == 0;
            }
        }
        let mut modules = NameScope::with_reserved(&["mod", "lib", "runtime"]);
        for def in &mut self.types {
            def.module = modules.claim(&names::module_name(&def.name));
        }
        (self.types, self.warnings)
    }
}
