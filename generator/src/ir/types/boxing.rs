//! Which struct fields and union arms are boxed: those through which a type contains
//! itself (strongly connected components) and union arms much larger than a pointer.

use super::TypeBuilder;
use crate::ir::{Presence, Ty, TypeDef, TypeId, TypeKind};

impl TypeBuilder<'_> {
    /// Boxes union arms much bigger than a pointer, so a union costs little more than its
    /// discriminant plus the largest small arm.
    pub(super) fn box_large_arms(&mut self) {
        const MAX_INLINE_ARM: usize = 96;
        for id in 0..self.types.len() {
            let TypeKind::Union(u) = &self.types[id].kind else { continue };
            let large: Vec<bool> = u
                .variants
                .iter()
                .map(|v| v.ty.as_ref().is_some_and(|t| estimated_size(&self.types, t, 0) > MAX_INLINE_ARM))
                .collect();
            if let TypeKind::Union(u) = &mut self.types[id].kind {
                for (v, large) in u.variants.iter_mut().zip(large) {
                    v.boxed |= large;
                }
            }
        }
    }

    /// Boxes the fields and arms through which a type contains itself (Tarjan's SCCs over
    /// "contains without indirection" edges: `Vec` and maps already allocate).
    pub(super) fn box_cycles(&mut self) {
        fn direct(ty: &Ty, out: &mut Vec<TypeId>) {
            match ty {
                Ty::Named(id) => out.push(*id),
                Ty::Option(inner) => direct(inner, out),
                Ty::Tuple(items) => items.iter().for_each(|t| direct(t, out)),
                _ => {}
            }
        }
        let edges: Vec<Vec<TypeId>> = self
            .types
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                match &def.kind {
                    TypeKind::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                    TypeKind::Union(u) => {
                        u.variants.iter().filter_map(|v| v.ty.as_ref()).for_each(|t| direct(t, &mut out))
                    }
                    TypeKind::Alias(t) => direct(t, &mut out),
                    TypeKind::Enum(_) => {}
                }
                out
            })
            .collect();
        let component = strongly_connected(&edges);
        // An edge inside a strongly connected component closes a cycle (a self-reference
        // is a component of one with an edge to itself).
        let in_cycle = |from: TypeId, ty: &Ty| {
            let mut targets = Vec::new();
            direct(ty, &mut targets);
            targets.iter().any(|t| component[*t] == component[from])
        };
        for id in 0..self.types.len() {
            let mut kind = std::mem::replace(&mut self.types[id].kind, TypeKind::Alias(Ty::Json));
            match &mut kind {
                TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| f.boxed = in_cycle(id, &f.ty)),
                TypeKind::Union(u) => {
                    u.variants.iter_mut().for_each(|v| v.boxed = v.ty.as_ref().is_some_and(|t| in_cycle(id, t)))
                }
                _ => {}
            }
            self.types[id].kind = kind;
        }
    }
}

/// Rough size in bytes of a value of `ty` on a 64-bit target (only used to decide boxing).
fn estimated_size(types: &[TypeDef], ty: &Ty, depth: usize) -> usize {
    if depth > 8 {
        return 8;
    }
    match ty {
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| match (f.boxed, f.presence) {
                    (true, _) => 8,
                    (false, Presence::Required) => estimated_size(types, &f.ty, depth + 1),
                    (false, _) => estimated_size(types, &f.ty, depth + 1) + 8,
                })
                .sum::<usize>()
                .max(1),
            TypeKind::Enum(_) => 24,
            TypeKind::Union(_) => 32,
            TypeKind::Alias(t) => estimated_size(types, t, depth + 1),
        },
        Ty::String | Ty::Vec(_) | Ty::Map(..) | Ty::Bytes => 24,
        Ty::Integer | Ty::Number => 8,
        Ty::Boolean => 1,
        Ty::Uuid => 16,
        Ty::DateTime => 12,
        Ty::Date => 4,
        Ty::Json => 32,
        Ty::Tuple(items) => items.iter().map(|t| estimated_size(types, t, depth + 1)).sum(),
        Ty::Option(inner) => estimated_size(types, inner, depth + 1) + 8,
    }
}

/// Tarjan's algorithm, iterative so deep specs cannot overflow the stack.
/// Returns the component index of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_group_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[3]);
    }
}
