//! The [`Differ`] that collects changes: matching two lists by key, type equality through
//! aliases, and the comparisons of the client (version, servers, alias), cargo features,
//! group accessors, methods, webhook events and error bodies. Models are compared in `models`.

use super::{Caveat, Change, ChangeKind, Impact};
use crate::review::surface::{Method, ModelKind, Surface};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Differ {
    pub(super) changes: Vec<Change>,
    pub(super) old: Aliases,
    pub(super) new: Aliases,
}

/// Type aliases of one side (`type MetadataOutputType = BTreeMap<..>`): a type spelled
/// through an alias is the same Rust type as its expansion, so it is no change.
pub(super) struct Aliases(BTreeMap<String, String>);

impl Aliases {
    pub(super) fn of(surface: &Surface) -> Aliases {
        let map = surface
            .models
            .iter()
            .filter_map(|m| match &m.kind {
                ModelKind::Alias(target) => Some((m.name.clone(), target.clone())),
                _ => None,
            })
            .collect();
        Aliases(map)
    }

    /// The type with every alias name replaced by what it stands for.
    fn expand(&self, ty: &str) -> String {
        self.expand_at(ty, 0)
    }

    fn expand_at(&self, ty: &str, depth: usize) -> String {
        if depth > 8 || self.0.is_empty() {
            return ty.to_owned();
        }
        let mut out = String::new();
        let mut word = String::new();
        for c in ty.chars().chain(std::iter::once(' ')) {
            if c.is_alphanumeric() || c == '_' || c == '#' || c == ':' {
                word.push(c);
                continue;
            }
            match self.0.get(&word) {
                Some(target) => out.push_str(&self.expand_at(target, depth + 1)),
                None => out.push_str(&word),
            }
            word.clear();
            out.push(c);
        }
        out.pop();
        out
    }
}

/// Items of two lists matched by key: (only in old, in both, only in new), each in list order.
pub(super) struct Matched<'a, T> {
    pub(super) removed: Vec<&'a T>,
    pub(super) common: Vec<(&'a T, &'a T)>,
    pub(super) added: Vec<&'a T>,
}

pub(super) fn match_by<'a, T, K: Ord>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> K) -> Matched<'a, T> {
    let new_keys: BTreeMap<K, &T> = new.iter().map(|t| (key(t), t)).collect();
    let old_keys: BTreeSet<K> = old.iter().map(&key).collect();
    let mut removed = Vec::new();
    let mut common = Vec::new();
    for t in old {
        match new_keys.get(&key(t)) {
            Some(n) => common.push((t, *n)),
            None => removed.push(t),
        }
    }
    let added = new.iter().filter(|t| !old_keys.contains(&key(t))).collect();
    Matched { removed, common, added }
}

impl Differ {
    /// The same Rust type on both sides (spelled alike, or alike once aliases are expanded).
    pub(super) fn same(&self, old: &str, new: &str) -> bool {
        old == new || self.old.expand(old) == self.new.expand(new)
    }

    pub(super) fn same_opt(&self, old: &Option<String>, new: &Option<String>) -> bool {
        match (old, new) {
            (Some(a), Some(b)) => self.same(a, b),
            (a, b) => a == b,
        }
    }

    pub(super) fn push(
        &mut self,
        kind: ChangeKind,
        impact: Impact,
        subject: &str,
        item: Option<&str>,
        context: &str,
        detail: String,
    ) {
        self.changes.push(Change {
            kind,
            impact,
            subject: subject.to_owned(),
            item: item.map(str::to_owned),
            context: context.to_owned(),
            detail,
        });
    }

    pub(super) fn client(&mut self, old: &Surface, new: &Surface) {
        if old.version != new.version {
            let detail = format!("`API_VERSION`: `{:?}` → `{:?}`", old.version, new.version);
            self.push(ChangeKind::ApiVersionChanged, Impact::Patch, "client", None, "", detail);
        }
        if old.version_header != new.version_header {
            let show = |h: &Option<String>| h.as_ref().map_or("none".to_owned(), |h| format!("`{h}`"));
            let detail = format!(
                "version header sent on every request: {} → {}",
                show(&old.version_header),
                show(&new.version_header)
            );
            self.push(ChangeKind::VersionHeaderChanged, Impact::Patch, "client", None, "", detail);
        }
        let m = match_by(&old.servers, &new.servers, |s| s.name.clone());
        for s in m.removed {
            let detail = format!("server `Server::{}` (`{}`) removed", s.name, s.url);
            self.push(ChangeKind::ServerRemoved, Impact::Breaking, &s.name, None, "", detail);
        }
        for s in m.added {
            let detail = format!("server `Server::{}` (`{}`) added", s.name, s.url);
            self.push(
                ChangeKind::ServerAdded,
                Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                &s.name,
                None,
                "",
                detail,
            );
        }
        for (a, b) in m.common {
            if a.url != b.url {
                let detail = format!("`Server::{}` URL: `{}` → `{}`", a.name, a.url, b.url);
                self.push(ChangeKind::ServerUrlChanged, Impact::Patch, &a.name, None, "", detail);
            }
        }
        if old.client_alias != new.client_alias {
            let show = |a: &Option<String>| a.as_ref().map_or("none".to_owned(), |a| format!("`{a}`"));
            let detail =
                format!("client alias (`type … = Client`): {} → {}", show(&old.client_alias), show(&new.client_alias));
            let impact = if old.client_alias.is_none() { Impact::Minor } else { Impact::Breaking };
            self.push(ChangeKind::ClientAliasChanged, impact, "client", None, "", detail);
        }
        let (a, b) = (old.servers.first(), new.servers.first());
        if a.map(|s| (&s.name, &s.url)) != b.map(|s| (&s.name, &s.url)) {
            let show = |s: Option<&crate::review::surface::ServerSurface>| {
                s.map_or("none".to_owned(), |s| format!("`{}` (`{}`)", s.name, s.url))
            };
            let detail = format!("default server: {} → {}", show(a), show(b));
            self.push(ChangeKind::DefaultServerChanged, Impact::Patch, "client", None, "", detail);
        }
    }

    /// Cargo features: a build that turns off default features and picks some breaks when
    /// one goes away or stops compiling what it did.
    pub(super) fn features(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.features, &new.features, |f| f.name.clone());
        for f in m.removed {
            let detail = format!("feature `{}` removed (it compiled {})", f.name, code_list(&f.enables));
            self.push(ChangeKind::FeatureRemoved, Impact::Breaking, &f.name, None, "", detail);
        }
        for f in m.added {
            let detail = format!("feature `{}` added, on by default (compiles {})", f.name, code_list(&f.enables));
            self.push(ChangeKind::FeatureAdded, Impact::Minor, &f.name, None, "", detail);
        }
        for (a, b) in m.common {
            let (before, after): (BTreeSet<&String>, BTreeSet<&String>) =
                (a.enables.iter().collect(), b.enables.iter().collect());
            for item in before.difference(&after) {
                let detail = format!("feature `{}` no longer compiles `{item}`", a.name);
                self.push(ChangeKind::FeatureContentsChanged, Impact::Breaking, &a.name, Some(item), "", detail);
            }
            for item in after.difference(&before) {
                let detail = format!("feature `{}` now also compiles `{item}`", a.name);
                self.push(ChangeKind::FeatureContentsChanged, Impact::Minor, &a.name, Some(item), "", detail);
            }
        }
    }

    pub(super) fn groups(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.groups, &new.groups, |g| g.path.clone());
        for g in m.removed {
            let detail = format!("group accessor `{}()` removed", g.path.replace('.', "()."));
            self.push(ChangeKind::GroupRemoved, Impact::Breaking, &g.path, None, "", detail);
        }
        for g in m.added {
            let detail = format!("group accessor `{}()` added", g.path.replace('.', "()."));
            self.push(ChangeKind::GroupAdded, Impact::Minor, &g.path, None, "", detail);
        }
        for (a, b) in m.common {
            if a.type_name != b.type_name {
                let detail = format!("group handle type `{}` → `{}`", a.type_name, b.type_name);
                self.push(
                    ChangeKind::GroupTypeRenamed,
                    Impact::MinorCaveat(Caveat::TypeName),
                    &a.path,
                    None,
                    "group",
                    detail,
                );
            }
        }
    }

    pub(super) fn methods(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.methods, &new.methods, Method::id);
        let route = |x: &Method| (x.http_method.clone(), x.path.clone());
        let added_routes: BTreeMap<_, _> = m.added.iter().map(|x| (route(x), x.id())).collect();
        let removed_routes: BTreeMap<_, _> = m.removed.iter().map(|x| (route(x), x.id())).collect();
        for x in &m.removed {
            let moved =
                added_routes.get(&route(x)).map(|id| format!(" (same route as the new `{id}`)")).unwrap_or_default();
            let detail = format!("`{}`  `{} {}`{moved}", x.signature(), x.http_method, x.path);
            self.push(ChangeKind::OperationRemoved, Impact::Breaking, &x.id(), None, "", detail);
        }
        for x in &m.added {
            let moved = removed_routes
                .get(&route(x))
                .map(|id| format!(" (same route as the removed `{id}`)"))
                .unwrap_or_default();
            let detail = format!("`{}`  `{} {}`{moved}", x.signature(), x.http_method, x.path);
            self.push(ChangeKind::OperationAdded, Impact::Minor, &x.id(), None, "", detail);
        }
        for (a, b) in m.common {
            self.method(a, b);
        }
    }

    fn method(&mut self, a: &Method, b: &Method) {
        let id = a.id();
        let context = format!("{} {}", b.http_method, b.path);
        let (old_aliases, new_aliases) = (&self.old, &self.new);
        let same = |x: &str, y: &str| x == y || old_aliases.expand(x) == new_aliases.expand(y);
        let mut changes = Vec::new();
        let mut push = |kind, impact, item: Option<&str>, detail: String| {
            changes.push((kind, impact, item.map(str::to_owned), detail))
        };
        let args = match_by(&a.args, &b.args, |x| x.name.clone());
        let setter_names = |m: &Method| m.setters.iter().map(|s| s.name.clone()).collect::<BTreeSet<_>>();
        let arg_names = |m: &Method| m.args.iter().map(|s| s.name.clone()).collect::<BTreeSet<_>>();
        let (old_setters, new_setters) = (setter_names(a), setter_names(b));
        let (old_args, new_args) = (arg_names(a), arg_names(b));
        for x in args.removed {
            if new_setters.contains(&x.name) {
                let detail = format!("argument `{x}` is now optional: set it with `.{}(..)`", x.name);
                push(ChangeKind::ArgumentBecameSetter, Impact::Breaking, Some(&x.name), detail);
            } else {
                push(ChangeKind::ArgumentRemoved, Impact::Breaking, Some(&x.name), format!("argument `{x}` removed"));
            }
        }
        for x in args.added {
            if old_setters.contains(&x.name) {
                let detail = format!("setter `.{}(..)` is now a required argument `{x}`", x.name);
                push(ChangeKind::SetterBecameArgument, Impact::Breaking, Some(&x.name), detail);
            } else {
                push(
                    ChangeKind::ArgumentAdded,
                    Impact::Breaking,
                    Some(&x.name),
                    format!("new required argument `{x}`"),
                );
            }
        }
        for (x, y) in &args.common {
            if !same(&x.ty, &y.ty) {
                let detail = format!("argument `{}`: `{}` → `{}`", x.name, x.ty, y.ty);
                push(ChangeKind::ArgumentRetyped, Impact::Breaking, Some(&x.name), detail);
            }
        }
        let order = |m: &Method, keep: &BTreeSet<String>| {
            m.args.iter().filter(|x| keep.contains(&x.name)).map(|x| x.name.clone()).collect::<Vec<_>>()
        };
        let both: BTreeSet<String> = old_args.intersection(&new_args).cloned().collect();
        if order(a, &both) != order(b, &both) {
            let detail =
                format!("arguments reordered: `({})` → `({})`", order(a, &both).join(", "), order(b, &both).join(", "));
            push(ChangeKind::ArgumentsReordered, Impact::Breaking, None, detail);
        }
        let setters = match_by(&a.setters, &b.setters, |x| x.name.clone());
        for x in setters.removed {
            if !new_args.contains(&x.name) {
                push(
                    ChangeKind::SetterRemoved,
                    Impact::Breaking,
                    Some(&x.name),
                    format!("setter `.{}({})` removed", x.name, x.ty),
                );
            }
        }
        for x in setters.added {
            if !old_args.contains(&x.name) {
                push(
                    ChangeKind::SetterAdded,
                    Impact::Minor,
                    Some(&x.name),
                    format!("new setter `.{}({})`", x.name, x.ty),
                );
            }
        }
        for (x, y) in setters.common {
            if !same(&x.ty, &y.ty) {
                let detail = format!("setter `.{}(..)`: `{}` → `{}`", x.name, x.ty, y.ty);
                push(ChangeKind::SetterRetyped, Impact::Breaking, Some(&x.name), detail);
            }
        }
        if !same(&a.returns, &b.returns) {
            let detail = format!("returns `{}` → `{}`", a.returns, b.returns);
            push(ChangeKind::ReturnTypeChanged, Impact::Breaking, None, detail);
        }
        match (&a.stream, &b.stream) {
            (None, Some(item)) => {
                push(ChangeKind::StreamAdded, Impact::Minor, None, format!("`.stream()` of `{item}` added"))
            }
            (Some(item), None) => {
                push(ChangeKind::StreamRemoved, Impact::Breaking, None, format!("`.stream()` of `{item}` removed"))
            }
            (Some(x), Some(y)) if !same(x, y) => {
                push(ChangeKind::StreamItemChanged, Impact::Breaking, None, format!("`.stream()` items `{x}` → `{y}`"))
            }
            _ => {}
        }
        if (&a.http_method, &a.path) != (&b.http_method, &b.path) {
            let detail = format!("calls `{} {}` → `{} {}`", a.http_method, a.path, b.http_method, b.path);
            push(ChangeKind::HttpRouteChanged, Impact::Patch, None, detail);
        }
        if a.builder != b.builder {
            let detail = format!("builder type `{}` → `{}`", a.builder, b.builder);
            push(ChangeKind::BuilderRenamed, Impact::MinorCaveat(Caveat::TypeName), None, detail);
        }
        if a.deprecated != b.deprecated {
            let detail = if b.deprecated { "now deprecated" } else { "no longer deprecated" };
            push(ChangeKind::DeprecationChanged, Impact::Patch, None, detail.to_owned());
        }
        for (kind, impact, item, detail) in changes {
            self.push(kind, impact, &id, item.as_deref(), &context, detail);
        }
    }

    pub(super) fn webhooks(&mut self, old: &Surface, new: &Surface) {
        if old.webhook_tag != new.webhook_tag && !old.webhooks.is_empty() && !new.webhooks.is_empty() {
            let show = |t: &Option<String>| {
                t.as_ref().map_or("tries each payload type".to_owned(), |t| format!("reads `{t}`"))
            };
            let detail = format!("`WebhookEvent` dispatch: {} → {}", show(&old.webhook_tag), show(&new.webhook_tag));
            self.push(ChangeKind::WebhookDispatchChanged, Impact::Patch, "WebhookEvent", None, "", detail);
        }
        let m = match_by(&old.webhooks, &new.webhooks, |e| e.event.clone());
        for e in m.removed {
            let detail = format!("`{}` (`WebhookEvent::{}({})`) removed", e.event, e.variant, e.payload);
            self.push(ChangeKind::WebhookRemoved, Impact::Breaking, &e.event, None, "", detail);
        }
        for e in m.added {
            let detail = format!(
                "`{}` (`WebhookEvent::{}({})`) added; it used to decode as `WebhookEvent::Unknown`",
                e.event, e.variant, e.payload
            );
            self.push(
                ChangeKind::WebhookAdded,
                Impact::MinorCaveat(Caveat::ExhaustiveMatches),
                &e.event,
                None,
                "",
                detail,
            );
        }
        for (a, b) in m.common {
            if a.variant != b.variant || !self.same(&a.payload, &b.payload) {
                let detail = format!(
                    "`{}`: `WebhookEvent::{}({})` → `WebhookEvent::{}({})`",
                    a.event, a.variant, a.payload, b.variant, b.payload
                );
                self.push(ChangeKind::WebhookChanged, Impact::Breaking, &a.event, None, "", detail);
            }
        }
    }

    pub(super) fn error_bodies(&mut self, old: &Surface, new: &Surface) {
        let m = match_by(&old.error_bodies, &new.error_bodies, Clone::clone);
        for b in m.removed {
            self.push(
                ChangeKind::ErrorBodyRemoved,
                Impact::Breaking,
                b,
                None,
                "",
                format!("`ApiErrorBody::{b}` removed"),
            );
        }
        for b in m.added {
            let detail = format!("`ApiErrorBody::{b}` added");
            self.push(ChangeKind::ErrorBodyAdded, Impact::MinorCaveat(Caveat::ExhaustiveMatches), b, None, "", detail);
        }
    }
}

/// `a`, `b` as Markdown code spans, comma-separated.
fn code_list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
