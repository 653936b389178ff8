//! The core reads one way: no module of `src/` imports a module that (directly or through
//! others) imports it. Read from the source text: every `crate::a::b` and `super::a` path
//! outside comments and `#[cfg(test)]` blocks is an edge to the deepest module it names; an
//! edge to one's own ancestor (a re-export through `mod.rs`) does not count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn modules(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let join = |n: &str| {
            if prefix.is_empty() {
                n.to_string()
            } else {
                format!("{prefix}::{n}")
            }
        };
        if path.is_dir() {
            if name != "bin" {
                modules(&path, &join(&name), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match name.as_str() {
                "mod" | "lib" => prefix.to_string(),
                _ => join(&name),
            };
            out.insert(module, fs::read_to_string(&path).unwrap());
        }
    }
}

/// The code of a file without its tests and comments.
fn code(src: &str) -> String {
    let src = src.split("#[cfg(test)]").next().unwrap_or("");
    src.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::x::y` / `super::x` path in `text`, as module names relative to `base`; a grouped
/// import (`super::{a, b::{c, D}}`, nested to any depth) names each of its paths.
fn paths(text: &str, keyword: &str) -> Vec<Vec<String>> {
    let needle = format!("{keyword}::");
    let mut out = Vec::new();
    for (i, _) in text.match_indices(&needle) {
        if i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric() {
            use_tree(&text[i + needle.len()..], &[], &mut out);
        }
    }
    out
}

/// Reads the use tree at the start of `rest` (`a::b`, `a::{b, c::d}`, `{..}`), adding each
/// path it names, after `prefix`, to `out`; returns the bytes it read.
fn use_tree(rest: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let blank = |s: &str| s.len() - s.trim_start().len();
    let mut path = prefix.to_vec();
    let mut i = blank(rest);
    loop {
        if rest[i..].starts_with('{') {
            i += 1;
            loop {
                i += blank(&rest[i..]);
                if rest[i..].starts_with('}') {
                    return i + 1;
                }
                let read = use_tree(&rest[i..], &path, out);
                i += read;
                i += blank(&rest[i..]);
                if rest[i..].starts_with(',') {
                    i += 1;
                } else if read == 0 || !rest[i..].starts_with('}') {
                    return i;
                }
            }
        }
        let len = rest[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len() - i);
        let segment = &rest[i..i + len];
        i += len;
        if !segment.is_empty() && segment != "self" {
            path.push(segment.to_string());
        }
        if len > 0 && rest[i..].starts_with("::") {
            i += 2;
            continue;
        }
        if path.len() > prefix.len() || segment == "self" {
            out.push(path);
        }
        return i;
    }
}

/// The module graph of `files` (module name to source text).
fn graph_of(files: &BTreeMap<String, String>) -> Graph {
    let mut g = Graph::new();
    for (module, src) in files {
        let text = code(src);
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p).to_string();
        let mut deps = BTreeSet::new();
        for (keyword, base) in [("crate", String::new()), ("super", parent)] {
            for parts in paths(&text, keyword) {
                let target = (1..=parts.len()).rev().find_map(|n| {
                    let tail = parts[..n].join("::");
                    let full = if base.is_empty() {
                        tail
                    } else {
                        format!("{base}::{tail}")
                    };
                    files.contains_key(&full).then_some(full)
                });
                if let Some(t) = target {
                    if &t != module && !module.starts_with(&format!("{t}::")) && !t.is_empty() {
                        deps.insert(t);
                    }
                }
            }
        }
        g.insert(module.clone(), deps);
    }
    g
}

fn graph() -> Graph {
    let mut files = BTreeMap::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut files,
    );
    graph_of(&files)
}

/// A cycle through `start`, if there is one.
fn cycle_from(g: &Graph, start: &str) -> Option<Vec<String>> {
    fn walk(
        g: &Graph,
        at: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let g = graph();
    assert!(
        g.len() > 20,
        "the walk found the crate's modules: {:?}",
        g.keys()
    );
    assert!(
        g["pipeline::consumer"].contains("pipeline::types"),
        "edges are read: {g:?}"
    );
    // Through a grouped import: `use crate::sim::{.., explore, ..}`.
    assert!(
        g["web::lab"].contains("sim::explore"),
        "grouped imports are read: {:?}",
        g["web::lab"]
    );
    let cycles: Vec<String> = g
        .keys()
        .filter_map(|m| cycle_from(&g, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_check_sees_a_cycle() {
    let mut g = Graph::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), ["a".to_string()].into());
    g.insert("d".into(), ["a".to_string()].into());
    assert_eq!(
        cycle_from(&g, "a"),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(cycle_from(&g, "d"), None);
}

#[test]
fn grouped_imports_are_edges_and_close_cycles() {
    let paths_of = |text: &str| paths(text, "super");
    assert_eq!(
        paths_of("use super::{a, b::{c, D}, self};"),
        vec![
            vec!["a".to_string()],
            vec!["b".into(), "c".into()],
            vec!["b".into(), "D".into()],
            vec![],
        ]
    );
    assert_eq!(
        paths_of("use super::{\n    x::{self, y::{z}},\n};"),
        vec![
            vec!["x".to_string()],
            vec!["x".into(), "y".into(), "z".into()]
        ]
    );
    // m::a imports m::b only through a nested group, and m::b imports m::a: a cycle.
    let files: BTreeMap<String, String> = [
        ("m", ""),
        ("m::a", "use super::{Thing, b::{inner::{Deep}, Other}};"),
        ("m::b", "use crate::m::a::Item;"),
        ("m::c", "use super::{a};"),
    ]
    .into_iter()
    .map(|(m, s)| (m.to_string(), s.to_string()))
    .collect();
    let g = graph_of(&files);
    assert!(g["m::a"].contains("m::b"), "{g:?}");
    assert_eq!(g["m::c"], ["m::a".to_string()].into());
    assert_eq!(
        cycle_from(&g, "m::a"),
        Some(vec!["m::a".into(), "m::b".into()])
    );
}
