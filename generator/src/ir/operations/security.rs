//! Security: the schemes an operation accepts (as `Security` kinds and named
//! `Credential`s), the scopes it asks for, and the operations that issue each scheme's
//! tokens, found through the link in the scheme's description.

use super::{Credential, Issuer, OpContext, Operation, Security};
use crate::error::{escape_pointer_token, SpecError};
use openapiv3::{OpenAPI, Operation as SpecOperation, ReferenceOr, SecurityScheme};
use std::collections::BTreeMap;

/// What an operation's security requirements lower to: the accepted kinds (deduplicated,
/// in order), the scopes asked for, and the schemes by name.
type SecurityParts = (Vec<Security>, Vec<String>, Vec<Credential>);

/// For each security scheme whose description links to an API reference page
/// (`[...](/api-reference/<group>/<summary-in-kebab-case>)`), the operation whose
/// summary is that page's slug (Polar: "Create Customer Session" for
/// `create-customer-session`), and marks it as the issuer of every credential of that
/// scheme.
pub(super) fn resolve_issuers(spec: &OpenAPI, groups: &mut BTreeMap<Vec<String>, Vec<Operation>>) {
    let Some(components) = spec.components.as_ref() else { return };
    let mut issuers: BTreeMap<String, Issuer> = BTreeMap::new();
    for (scheme, item) in &components.security_schemes {
        let ReferenceOr::Item(item) = item else { continue };
        let description = match item {
            SecurityScheme::HTTP { description, .. }
            | SecurityScheme::APIKey { description, .. }
            | SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => description.as_deref(),
        };
        let Some(slug) = description.and_then(linked_slug) else { continue };
        let found = groups.iter().find_map(|(group, ops)| {
            ops.iter().find(|op| op.summary.as_deref().map(kebab) == Some(slug.clone())).map(|op| Issuer {
                group: group.clone(),
                name: op.name.clone(),
                operation_id: op.operation_id.clone(),
            })
        });
        if let Some(issuer) = found {
            issuers.insert(scheme.clone(), issuer);
        }
    }
    for credential in groups.values_mut().flatten().flat_map(|op| &mut op.credentials) {
        credential.issued_by = issuers.get(&credential.scheme).cloned();
    }
}

/// The last path segment of the first relative markdown link in `text`:
/// `[x](/api-reference/customer-sessions/create-customer-session)` → `create-customer-session`.
fn linked_slug(text: &str) -> Option<String> {
    let start = text.find("](/")? + 3;
    let end = text[start..].find(')')? + start;
    let last = text[start..end].trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty()).then(|| last.to_owned())
}

/// `Create Customer Session` → `create-customer-session`.
fn kebab(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

impl OpContext<'_, '_, '_> {
    /// Accepted credentials in order of preference, the scopes they ask for, and the
    /// schemes by name (their issuers are resolved by [`resolve_issuers`]).
    pub(super) fn security(&mut self, op: &SpecOperation, pointer: &str) -> Result<SecurityParts, SpecError> {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let mut security = Vec::new();
        let mut credentials: Vec<Credential> = Vec::new();
        let mut scopes: Vec<String> = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for (name, wanted) in requirement {
                for scope in wanted {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
                let scheme = match schemes.and_then(|s| s.get(name)) {
                    Some(ReferenceOr::Item(scheme)) => scheme,
                    _ => {
                        return Err(SpecError::new(
                            self.file(),
                            format!("{pointer}/security"),
                            format!("security requirement names `{name}`, which is not defined"),
                        )
                        .with_hint("define it under `components/securitySchemes`"))
                    }
                };
                let kind = match scheme {
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Security::Basic,
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Security::Bearer,
                    SecurityScheme::HTTP { scheme, .. } => {
                        self.types.warn(&format!("/components/securitySchemes/{}", escape_pointer_token(name)), format!("HTTP `{scheme}` authentication is not supported: set the header with `RequestOptions::header`"));
                        continue;
                    }
                    SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Security::Bearer,
                    SecurityScheme::APIKey { location, name, .. } => match location {
                        openapiv3::APIKeyLocation::Header => Security::ApiKeyHeader(name.clone()),
                        openapiv3::APIKeyLocation::Query => Security::ApiKeyQuery(name.clone()),
                        openapiv3::APIKeyLocation::Cookie => Security::ApiKeyCookie(name.clone()),
                    },
                };
                if !credentials.iter().any(|c| &c.scheme == name) {
                    credentials.push(Credential { scheme: name.clone(), kind: kind.clone(), issued_by: None });
                }
                if !security.contains(&kind) {
                    security.push(kind);
                }
            }
        }
        Ok((security, scopes, credentials))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_links_and_summaries() {
        let polar = "You can create those sessions programmatically using the [Create Customer Session \
                     endpoint](/api-reference/customer-sessions/create-customer-session).";
        assert_eq!(linked_slug(polar).as_deref(), Some("create-customer-session"));
        assert_eq!(linked_slug("see [docs](/a/b/)").as_deref(), Some("b"));
        assert_eq!(linked_slug("an [absolute](https://x.example/a) link"), None);
        assert_eq!(linked_slug("no link"), None);
        assert_eq!(kebab("Create Customer Session"), "create-customer-session");
        assert_eq!(kebab("  Get  (OAuth2) token "), "get-oauth2-token");
    }
}
