//! Several API versions in one crate: which items are emitted once, in the `shared` module,
//! for every version that has them, and which each version keeps for itself.
//!
//! Sharing is decided on what the generator emits, not on the JSON of the specs: names,
//! docs and shapes depend on the whole spec, so two identical schemas in specs that differ
//! elsewhere may still be emitted differently. An item is shared when
//!
//! - at least two versions have it (by name: a type's Rust name, a group's module);
//! - its file, emitted for the `shared` module, reads the same in every version that has it
//!   once each version's module name (`v2026_10`, which doc links and code samples name) is
//!   written alike; and
//! - everything it refers to is shared too: the models a file names, a group's child groups
//!   and, for groups, the error bodies (`ApiErrorBody`), which are shared only when every
//!   version's are the same.
//!
//! The shared copy is the newest version's: its doc links point into that version.

use crate::emit;
use crate::ir::{Api, Ty};
use std::collections::{BTreeMap, BTreeSet};

/// What the versions of a crate share (indices are into the version list, oldest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared {
    /// Shared types by name, with the versions that have them.
    pub types: BTreeMap<String, Vec<usize>>,
    /// Shared operation groups by module name, with the versions that have them.
    pub groups: BTreeMap<String, Vec<usize>>,
    /// `ApiErrorBody` and its decoders are the same in every version.
    pub errors: bool,
}

impl Shared {
    /// Whether nothing is shared (the crate needs no `shared` module).
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.groups.is_empty() && !self.errors
    }

    /// Whether version `version` takes type `name` from the shared module.
    pub fn has_type(&self, name: &str, version: usize) -> bool {
        self.types.get(name).is_some_and(|versions| versions.contains(&version))
    }

    /// Whether version `version` takes group `module` from the shared module.
    pub fn has_group(&self, module: &str, version: usize) -> bool {
        self.groups.get(module).is_some_and(|versions| versions.contains(&version))
    }

    /// The newest version that has a shared item: whose copy is emitted.
    pub fn newest(versions: &[usize]) -> usize {
        versions.iter().copied().max().expect("a shared item has versions")
    }
}

/// One item as the shared module would hold it: its text with the version's module name
/// written alike, and the items it refers to.
struct Candidate {
    text: String,
    models: BTreeSet<String>,
    /// Child groups (for groups).
    children: BTreeSet<String>,
}

/// What every version that has an item emitted for it, gathered by item name.
#[derive(Default)]
struct Compared {
    /// The first version's text.
    text: Option<String>,
    /// Every version's text equals the first.
    same: bool,
    versions: Vec<usize>,
    /// What any version's copy refers to.
    models: BTreeSet<String>,
    children: BTreeSet<String>,
}

impl Compared {
    fn shareable(&self) -> bool {
        self.same && self.versions.len() > 1
    }
}

/// Decides what `versions` (oldest first, each with its `version_module`) share.
pub fn plan(versions: &[Api]) -> Shared {
    let types = compare(versions, |api| {
        api.types
            .iter()
            .map(|def| {
                let (tokens, models) = emit::models::type_file_naming(api, def);
                (
                    def.name.clone(),
                    Candidate { text: normalize(api, &tokens.to_string()), models, children: BTreeSet::new() },
                )
            })
            .collect()
    });
    let mut shared_types: BTreeMap<String, Vec<usize>> =
        types.iter().filter(|(_, c)| c.shareable()).map(|(name, c)| (name.clone(), c.versions.clone())).collect();
    // A type is shared only if every model it names is.
    close(&mut shared_types, |name, shared| types[name].models.iter().all(|m| shared.contains_key(m)));

    let errors = versions.len() > 1 && {
        let texts: BTreeSet<String> = versions
            .iter()
            .map(|api| normalize(api, &emit::errors::errors_file(api, emit::Place::Shared).to_string()))
            .collect();
        let bodies_shared = versions.iter().all(|api| {
            api.error_bodies.iter().all(|body| match &body.ty {
                Ty::Named(id) => shared_types.contains_key(&api.types[*id].name),
                _ => true,
            })
        });
        texts.len() == 1 && bodies_shared
    };

    // Every builder names the error bodies: no group is shared unless they are.
    let mut shared_groups = BTreeMap::new();
    if errors {
        let groups = compare(versions, |api| {
            api.groups
                .iter()
                .map(|group| {
                    let (tokens, models) = emit::client::group_file_naming(api, group, emit::Place::Shared);
                    let children = api
                        .groups
                        .iter()
                        .filter(|g| g.path.len() == group.path.len() + 1 && g.path.starts_with(&group.path))
                        .map(|g| g.module.clone())
                        .collect();
                    (group.module.clone(), Candidate { text: normalize(api, &tokens.to_string()), models, children })
                })
                .collect()
        });
        shared_groups = groups
            .iter()
            .filter(|(_, c)| c.shareable())
            .map(|(module, c)| (module.clone(), c.versions.clone()))
            .collect();
        close(&mut shared_groups, |module, shared| {
            let group = &groups[module];
            group.models.iter().all(|m| shared_types.contains_key(m))
                && group.children.iter().all(|c| shared.contains_key(c))
        });
    }
    Shared { types: shared_types, groups: shared_groups, errors }
}

/// Removes from `shared` every item that `keep` rejects, until the rest all keep each other.
fn close(shared: &mut BTreeMap<String, Vec<usize>>, keep: impl Fn(&str, &BTreeMap<String, Vec<usize>>) -> bool) {
    loop {
        let dropped: Vec<String> = shared.keys().filter(|name| !keep(name, shared)).cloned().collect();
        if dropped.is_empty() {
            return;
        }
        for name in dropped {
            shared.remove(&name);
        }
    }
}

/// Every item of every version, by name: whether the versions that have it emit the same
/// text, and what their copies refer to.
fn compare(versions: &[Api], items: impl Fn(&Api) -> Vec<(String, Candidate)>) -> BTreeMap<String, Compared> {
    let mut seen: BTreeMap<String, Compared> = BTreeMap::new();
    for (v, api) in versions.iter().enumerate() {
        for (name, candidate) in items(api) {
            let entry = seen.entry(name).or_insert_with(|| Compared { same: true, ..Compared::default() });
            match &entry.text {
                None => entry.text = Some(candidate.text),
                Some(text) if *text != candidate.text => entry.same = false,
                Some(_) => {}
            }
            entry.versions.push(v);
            entry.models.extend(candidate.models);
            entry.children.extend(candidate.children);
        }
    }
    seen
}

/// `text` with the version's module name written alike (`v2026_10` → `{version}`).
fn normalize(api: &Api, text: &str) -> String {
    match &api.version_module {
        Some(module) => text.replace(&module.name, "{version}"),
        None => text.to_owned(),
    }
}
