//! What a [`Report`] says: counts, the suggested bump, the one-line summary and the
//! Markdown rendering.

use super::{Bump, Change, ChangeKind, Impact, Report, Section, RULES};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

impl Report {
    /// (breaking, minor with a caveat, minor, patch).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for c in &self.changes {
            match c.impact {
                Impact::Breaking => counts.0 += 1,
                Impact::MinorCaveat(_) => counts.1 += 1,
                Impact::Minor => counts.2 += 1,
                Impact::Patch => counts.3 += 1,
            }
        }
        counts
    }

    pub fn bump(&self) -> Bump {
        match self.counts() {
            (b, ..) if b > 0 => Bump::Major,
            (_, c, m, _) if c + m > 0 => Bump::Minor,
            (.., p) if p > 0 => Bump::Patch,
            _ => Bump::None,
        }
    }

    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.impact.is_breaking())
    }

    /// Changes of one kind about one subject.
    pub fn find(&self, kind: ChangeKind, subject: &str) -> Vec<&Change> {
        self.changes.iter().filter(|c| c.kind == kind && c.subject == subject).collect()
    }

    /// One line: how many changes of each rating, and what moved.
    pub fn summary(&self) -> String {
        let (breaking, caveat, minor, patch) = self.counts();
        let count = |kind: ChangeKind| self.changes.iter().filter(|c| c.kind == kind).count();
        let changed = |sections: &[Section]| {
            self.changes
                .iter()
                .filter(|c| sections.contains(&c.kind.section()))
                .map(|c| c.subject.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        };
        format!(
            "{} changes: {breaking} breaking, {caveat} minor with a caveat, {minor} minor, {patch} patch. \
             Methods {} → {} (+{} −{}, {} changed); models {} → {} (+{} −{}, {} changed); webhook events +{} −{}.",
            self.changes.len(),
            self.old_counts.0,
            self.new_counts.0,
            count(ChangeKind::OperationAdded),
            count(ChangeKind::OperationRemoved),
            changed(&[Section::Arguments, Section::Returns, Section::OperationDetails]),
            self.old_counts.1,
            self.new_counts.1,
            count(ChangeKind::ModelAdded),
            count(ChangeKind::ModelRemoved),
            changed(&[Section::ModelShapes, Section::Fields, Section::EnumValues, Section::UnionArms]),
            count(ChangeKind::WebhookAdded),
            count(ChangeKind::WebhookRemoved),
        )
    }

    /// The suggested bump, for 1.x and for 0.x crates.
    pub fn bump_advice(&self) -> String {
        let caveats = self.changes.iter().any(|c| matches!(c.impact, Impact::MinorCaveat(_)));
        match self.bump() {
            Bump::Major => "**major**: 1.x and later: (x+1).0.0; 0.x: 0.(x+1).0.".to_owned(),
            Bump::Minor if caveats => {
                "**minor**: 1.x and later: x.(y+1).0; 0.x: 0.x.(y+1), or 0.(x+1).0 to be safe (some changes break struct literals or exhaustive matches).".to_owned()
            }
            Bump::Minor => "**minor**: 1.x and later: x.(y+1).0; 0.x: 0.x.(y+1).".to_owned(),
            Bump::Patch => "**patch**: x.y.(z+1) (0.x too).".to_owned(),
            Bump::None => "**none**: the Rust API is unchanged.".to_owned(),
        }
    }

    /// The report as Markdown: summary, rules, a table of counts, then one section per kind
    /// of change, each sorted by subject.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Rust API changes: {} → {}\n", self.old_label, self.new_label);
        let _ = writeln!(out, "**Summary:** {}\n", self.summary());
        let _ = writeln!(out, "**Suggested version bump:** {}\n", self.bump_advice());
        out.push_str("## How changes are rated\n\n");
        out.push_str(RULES);
        if self.changes.is_empty() {
            out.push_str("\nNo changes to the Rust API.\n");
            return out;
        }

        out.push_str(
            "\n## Overview\n\n| section | breaking | minor (breaks ...) | minor | patch |\n|---|---:|---:|---:|---:|\n",
        );
        let mut by_section: BTreeMap<Section, Vec<&Change>> = BTreeMap::new();
        for c in &self.changes {
            by_section.entry(c.kind.section()).or_default().push(c);
        }
        for (section, changes) in &by_section {
            let n = |f: fn(Impact) -> bool| changes.iter().filter(|c| f(c.impact)).count();
            let _ = writeln!(
                out,
                "| [{}](#{}) | {} | {} | {} | {} |",
                section.title(),
                anchor(section.title()),
                n(|i| i == Impact::Breaking),
                n(|i| matches!(i, Impact::MinorCaveat(_))),
                n(|i| i == Impact::Minor),
                n(|i| i == Impact::Patch)
            );
        }

        for section in Section::ALL {
            let Some(changes) = by_section.get(&section) else { continue };
            let _ = writeln!(out, "\n## {}\n", section.title());
            if section.grouped() {
                let mut subjects: Vec<(&str, Vec<&Change>)> = Vec::new();
                for c in changes {
                    match subjects.last_mut() {
                        Some((s, list)) if *s == c.subject => list.push(c),
                        _ => subjects.push((&c.subject, vec![c])),
                    }
                }
                for (subject, list) in subjects {
                    let context = &list[0].context;
                    let context = if context.is_empty() { String::new() } else { format!(" ({context})") };
                    let _ = writeln!(out, "- `{subject}`{context}");
                    for c in list {
                        let _ = writeln!(out, "  - {}: {}", c.impact.label(), c.detail);
                    }
                }
            } else {
                for c in changes {
                    let _ = writeln!(out, "- {}: {}", c.impact.label(), c.detail);
                }
            }
        }
        out
    }
}

/// GitHub's heading anchor: lowercase, spaces to dashes, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}
