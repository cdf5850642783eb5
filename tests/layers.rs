//! Dependencies point one way (issue 10): reads the `crate::` paths of `src/` and fails, naming
//! file and line, on an import into a higher layer and on any circle between top-level modules.
//! Plain text reading, no use of the crate: the rules are about files and lines, not types.
//! Test code (files named tests.rs, files under a `tests/` folder, `#[cfg(test)] mod tests { … }`
//! tails) may reach anywhere and is left out. Run: `cargo test --test layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layer {
    Foundation,
    Capability,
    Root,
}
use Layer::*;

/// Every top-level module of `src/` (first folder, or the stem of a top-level file).
const LAYERS: &[(Layer, &[&str])] = &[
    // Foundation, lowest first: each may import only the modules listed before it, never a
    // capability or the root. It knows nothing of any one capability.
    (
        Foundation,
        &[
            "clock", "ids", "error", "calendar", "store", "search", "config", "auth", "flow",
            "views", "http", "staff", "notify",
        ],
    ),
    // Capabilities: what the office does. They build on the foundation and may use one another
    // (without circles), never the composition root.
    (
        Capability,
        &[
            "portal",
            "publishing",
            "disclosure",
            "projects",
            "mailbox",
            "intranet",
            "ops",
            "admin",
        ],
    ),
    // Composition root (lib.rs, main.rs, app/, demo.rs): wires capabilities into one server
    // (router, state, jobs, demo data). It may import anything, nothing imports it.
    (Root, &["lib", "main", "app", "demo"]),
];

/// Layer and, for the foundation, rank (lower may be imported by higher).
fn place(module: &str) -> Option<(Layer, usize)> {
    LAYERS.iter().find_map(|(layer, names)| {
        let rank = names.iter().position(|n| *n == module)?;
        Some((*layer, rank))
    })
}

fn layer_name(layer: Layer) -> &'static str {
    match layer {
        Foundation => "foundation",
        Capability => "capability",
        Root => "composition root",
    }
}

/// `src/a/b.rs` → `a`; `src/a.rs` → `a`.
fn top(path: &str) -> &str {
    let rel = path.strip_prefix("src/").unwrap_or(path);
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

fn is_test_file(path: &str) -> bool {
    let rel = path.strip_prefix("src/").unwrap_or(path);
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or("");
    file == "tests.rs" || parts.contains(&"tests")
}

/// The text up to a `#[cfg(test)]` line that opens `mod tests {`, with whole-line comments
/// blanked (a doc comment naming a path is not an import); line numbers stay as in the file.
fn code_part(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or("");
        if t == "#[cfg(test)]" && next.starts_with("mod tests") && next.contains('{') {
            break;
        }
        if !t.starts_with("//") {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn ident_at(chars: &[char], i: usize) -> String {
    chars[i.min(chars.len())..]
        .iter()
        .take_while(|c| is_ident(**c))
        .collect()
}

/// Every `crate::x` path of the code, as (first segment, line). `use crate::{a::x, b::{y, z}}`
/// names one first segment per member, each with its own line, also across lines.
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let line_of = |i: usize| chars[..i].iter().filter(|c| **c == '\n').count() + 1;
    let needle: Vec<char> = "crate::".chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        let starts =
            chars[i..i + needle.len()] == needle[..] && (i == 0 || !is_ident(chars[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        i += needle.len();
        if chars.get(i) != Some(&'{') {
            let name = ident_at(&chars, i);
            if !name.is_empty() {
                found.push((name, line_of(i)));
            }
            continue;
        }
        // A group: the members are split by commas at depth 1.
        let mut depth = 0;
        let mut member_start = true;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '{' => {
                    depth += 1;
                    if depth == 1 {
                        member_start = true;
                    }
                }
                '}' => depth -= 1,
                ',' if depth == 1 => member_start = true,
                _ if depth == 1 && member_start && is_ident(c) => {
                    let name = ident_at(&chars, i);
                    if name != "self" {
                        found.push((name.clone(), line_of(i)));
                    }
                    member_start = false;
                    i += name.len();
                    continue;
                }
                _ => {}
            }
            i += 1;
            if depth == 0 || c == ';' {
                break;
            }
        }
    }
    found
}

/// All imports between different top-level modules, in file order: (from, to, file:line).
fn imports(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let modules: BTreeSet<&str> = files.iter().map(|(p, _)| top(p)).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for &(path, text) in files {
        if is_test_file(path) {
            continue;
        }
        let from = top(path);
        for (name, line) in crate_paths(&code_part(text)) {
            // An item of the crate root (`crate::App`) belongs to lib.rs.
            let known = modules.contains(name.as_str());
            let to = if known { name } else { "lib".to_string() };
            let at = format!("{path}:{line}");
            if to != from && seen.insert((at.clone(), to.clone())) {
                out.push((from.to_string(), to, at));
            }
        }
    }
    out
}

/// The module a file defines: `src/a/b.rs` and `src/a/b/mod.rs` → `a::b`; `src/lib.rs` → ``.
fn module_of(path: &str) -> String {
    let rel = path.strip_prefix("src/").unwrap_or(path);
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    if rel == "lib" || rel == "main" {
        return String::new();
    }
    rel.replace('/', "::")
}

/// Every path a use tree starting at `chars[i]` names, each with its line: `a::{b, c::D}` →
/// `a::b`, `a::c::D`; `self` inside a group names the group's own path.
fn use_tree(
    chars: &[char],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let line_of = |i: usize| {
        chars[..i.min(chars.len())]
            .iter()
            .filter(|c| **c == '\n')
            .count()
            + 1
    };
    let mut segs = prefix.to_vec();
    let start = i;
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if chars.get(i) == Some(&'{') {
            i += 1;
            loop {
                while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    i += 1;
                }
                match chars.get(i) {
                    None => return i,
                    Some('}') => return i + 1,
                    Some(c) if is_ident(*c) => i = use_tree(chars, i, &segs, out),
                    // A comment line blanked earlier, or anything unexpected: skip it.
                    Some(_) => i += 1,
                }
            }
        }
        let name = ident_at(chars, i);
        if name.is_empty() {
            break;
        }
        i += name.len();
        if name != "self" {
            segs.push(name);
        }
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            break;
        }
    }
    if segs.len() > prefix.len() || chars.get(start) == Some(&'s') {
        out.push((segs, line_of(start)));
    }
    i
}

/// Imports between files (modules), as (from, to, file:line): `crate::`, `super::` and
/// `self::` paths resolved to the longest module they name.
fn file_imports(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for &(path, text) in files {
        if is_test_file(path) {
            continue;
        }
        let me = module_of(path);
        if me.is_empty() {
            continue;
        }
        let here: Vec<String> = me.split("::").map(str::to_string).collect();
        // `super` of `a::b` (file a/b.rs or a/b/mod.rs) is `a`.
        let parent = &here[..here.len() - 1];
        let chars: Vec<char> = code_part(text).chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == ':') {
                i += 1;
                continue;
            }
            let word = ident_at(&chars, i);
            let base: Option<Vec<String>> = match word.as_str() {
                "crate" => Some(Vec::new()),
                "super" => Some(parent.to_vec()),
                "self" => Some(here.clone()),
                _ => None,
            };
            let after = i + word.len();
            let (Some(mut base), true) = (
                base,
                chars.get(after) == Some(&':') && chars.get(after + 1) == Some(&':'),
            ) else {
                i += word.len().max(1);
                continue;
            };
            let mut j = after + 2;
            // `super::super::x`
            while ident_at(&chars, j) == "super" && chars.get(j + 5) == Some(&':') {
                base.pop();
                j += 7;
            }
            let mut paths = Vec::new();
            let end = use_tree(&chars, j, &base, &mut paths);
            for (segs, line) in paths {
                let target = (1..=segs.len())
                    .rev()
                    .map(|n| segs[..n].join("::"))
                    .find(|m| modules.contains(m));
                if let Some(to) = target
                    && to != me
                    && !me.starts_with(&format!("{to}::"))
                {
                    let at = format!("{path}:{line}");
                    if seen.insert((at.clone(), to.clone())) {
                        out.push((me.clone(), to, at));
                    }
                }
            }
            i = end.max(i + 1);
        }
    }
    out
}

/// Every violation of the layers, as lines to print; empty when the tree is clean.
fn check(files: &[(&str, &str)]) -> Vec<String> {
    let mut files = files.to_vec();
    files.sort();
    let mut problems = Vec::new();

    let mut unknown = BTreeSet::new();
    for &(path, _) in &files {
        let name = top(path);
        if place(name).is_none() && unknown.insert(name) {
            let rel = path.strip_prefix("src/").unwrap_or(path);
            let shown = if rel.contains('/') { "" } else { ".rs" };
            problems.push(format!(
                "src/{name}{shown}: add it to a layer in tests/layers.rs"
            ));
        }
    }

    let imports = imports(&files);
    for (from, to, at) in &imports {
        let (Some((from_layer, from_rank)), Some((to_layer, to_rank))) = (place(from), place(to))
        else {
            continue;
        };
        let from_desc = format!("{at}: {from} ({})", layer_name(from_layer));
        match (from_layer, to_layer) {
            (Root, _) | (Capability, Foundation | Capability) => {}
            (Foundation, Foundation) if to_rank < from_rank => {}
            (Foundation, Foundation) => {
                problems.push(format!(
                    "{from_desc} imports {to}, a higher foundation layer"
                ));
            }
            (_, _) => {
                problems.push(format!(
                    "{from_desc} imports {to} ({})",
                    layer_name(to_layer)
                ));
            }
        }
    }

    // Circles between top-level modules other than the root (which nothing may import).
    let mut edges: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    let root = |m: &str| matches!(place(m), Some((Root, _)));
    for (from, to, at) in &imports {
        if !root(from) && !root(to) {
            edges
                .entry(from)
                .or_default()
                .entry(to)
                .or_default()
                .push(at);
        }
    }
    let graph: BTreeMap<&str, Vec<&str>> = edges
        .iter()
        .map(|(a, bs)| (*a, bs.keys().copied().collect()))
        .collect();
    for circle in circles(&graph) {
        problems.push(format!("circle: {}", circle.join(" ↔ ")));
        for a in &circle {
            for b in &circle {
                if let Some(ats) = edges.get(a).and_then(|bs| bs.get(b)) {
                    let more = match ats.len() - 1 {
                        0 => String::new(),
                        n => format!(" (+{n})"),
                    };
                    problems.push(format!("    {a} -> {b}: {}{more}", ats[0]));
                }
            }
        }
    }
    // Circles between files, wherever they are: a ring of files is a tangle even inside one
    // folder. (A file may use its own ancestors' items, e.g. `super::instance_of`; a parent
    // naming its children with `mod` is not an import.)
    let fimports = file_imports(&files);
    let file_of: BTreeMap<String, &str> = files.iter().map(|(p, _)| (module_of(p), *p)).collect();
    let mut fedges: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (from, to, at) in &fimports {
        fedges
            .entry(from)
            .or_default()
            .entry(to)
            .or_default()
            .push(at);
    }
    let fgraph: BTreeMap<&str, Vec<&str>> = fedges
        .iter()
        .map(|(a, bs)| (*a, bs.keys().copied().collect()))
        .collect();
    for circle in circles(&fgraph) {
        let names: Vec<&str> = circle
            .iter()
            .map(|m| file_of.get(*m).copied().unwrap_or(m))
            .collect();
        problems.push(format!("circle between files: {}", names.join(" ↔ ")));
        for a in &circle {
            for b in &circle {
                if let Some(ats) = fedges.get(a).and_then(|bs| bs.get(b)) {
                    problems.push(format!("    {a} -> {b}: {}", ats[0]));
                }
            }
        }
    }
    problems
}

/// Strongly connected components with more than one node (Tarjan), each sorted.
fn circles<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> Vec<Vec<&'a str>> {
    #[derive(Default)]
    struct Tarjan<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(t: &mut Tarjan<'a>, graph: &BTreeMap<&'a str, Vec<&'a str>>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        for &w in graph.get(v).map(|ws| ws.as_slice()).unwrap_or(&[]) {
            if !t.index.contains_key(w) {
                visit(t, graph, w);
                t.low.insert(v, t.low[v].min(t.low[w]));
            } else if t.stack.contains(&w) {
                t.low.insert(v, t.low[v].min(t.index[w]));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = Tarjan::default();
    for &v in graph.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, graph, v);
        }
    }
    t.out
}

fn read_tree(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{rel}/{name}");
        if path.is_dir() {
            read_tree(&path, &rel, out);
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            out.push((rel, text));
        }
    }
}

#[test]
fn src_tree_follows_the_layers() {
    let mut files = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    read_tree(&src, "src", &mut files);
    assert!(files.len() > 10, "src/ not found or nearly empty");
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let problems = check(&files);
    assert!(
        problems.is_empty(),
        "{} lines of layering problems (issue 10; layers at the top of tests/layers.rs):\n{}\n",
        problems.len(),
        problems.join("\n")
    );
}

// The checker on small made-up trees: each rule fires, and a clean tree passes.

const CLEAN: &[(&str, &str)] = &[
    ("src/lib.rs", "pub mod app;\nuse crate::app::run;\n"),
    ("src/main.rs", "fn main() { gongkai::app::run(); }\n"),
    ("src/clock.rs", "pub fn now() {}\n"),
    ("src/store/mod.rs", "use crate::clock::now;\n"),
    (
        "src/auth/mod.rs",
        "use crate::store::S;\nfn f() { crate::ids::n() }",
    ),
    ("src/ids.rs", ""),
    ("src/portal/mod.rs", "use crate::{auth::U, store::{S, T}};"),
    ("src/admin/mod.rs", "use crate::portal::Site;\n"),
    ("src/app/mod.rs", "use crate::{admin, portal, store};\n"),
    ("src/demo.rs", "use crate::app::State;\n"),
];

/// Checks the clean tree plus `extra` and asserts the problems begin with `wanted`.
fn first_lines(extra: &[(&'static str, &'static str)], wanted: &[&str]) {
    let mut files = CLEAN.to_vec();
    files.extend_from_slice(extra);
    let p = check(&files);
    assert!(
        p.len() >= wanted.len() && p[..wanted.len()] == *wanted,
        "{p:#?}"
    );
    if wanted.is_empty() {
        assert_eq!(p, Vec::<String>::new());
    }
}

#[test]
fn clean_fixture_passes() {
    first_lines(&[], &[]);
}

#[test]
fn unknown_module_must_join_a_layer() {
    let extra = [("src/jobs/mod.rs", ""), ("src/extra.rs", "")];
    let wanted = [
        "src/extra.rs: add it to a layer in tests/layers.rs",
        "src/jobs: add it to a layer in tests/layers.rs",
    ];
    first_lines(&extra, &wanted);
}

#[test]
fn foundation_imports_only_lower_foundation_layers() {
    let text = "use crate::auth::audit;\nuse crate::portal::Article;\nuse crate::app::State;\n";
    let wanted = [
        "src/store/schema.rs:1: store (foundation) imports auth, a higher foundation layer",
        "src/store/schema.rs:2: store (foundation) imports portal (capability)",
        "src/store/schema.rs:3: store (foundation) imports app (composition root)",
    ];
    first_lines(&[("src/store/schema.rs", text)], &wanted);
}

#[test]
fn capability_may_not_import_the_root() {
    let extra = [("src/portal/x.rs", "fn f() { crate::demo::seed(); }\n")];
    first_lines(
        &extra,
        &["src/portal/x.rs:1: portal (capability) imports demo (composition root)"],
    );
}

#[test]
fn circle_between_capabilities_is_named_with_its_edges() {
    let a = "use crate::admin::X;\nuse crate::admin::Y;\n";
    let extra = [
        ("src/portal/a.rs", a),
        ("src/portal/b.rs", "use crate::admin::Z;"),
    ];
    let wanted = [
        "circle: admin ↔ portal",
        "    admin -> portal: src/admin/mod.rs:1",
        "    portal -> admin: src/portal/a.rs:1 (+2)",
    ];
    first_lines(&extra, &wanted);
}

#[test]
fn grouped_use_over_several_lines_names_each_member() {
    let text = "use crate::{\n    clock::now,\n    // crate::app: a comment, no import\n    portal::{\n        Site, Article},\n    self,\n    auth::User,\n};\n";
    let wanted = [
        "src/store/x.rs:4: store (foundation) imports portal (capability)",
        "src/store/x.rs:7: store (foundation) imports auth, a higher foundation layer",
    ];
    first_lines(&[("src/store/x.rs", text)], &wanted);
}

#[test]
fn circle_between_files_of_one_folder_is_named() {
    let extra = [
        ("src/portal/a.rs", "use super::b::X;\n"),
        (
            "src/portal/b.rs",
            "fn f() {}\nuse crate::portal::{c, a::{self, Y}};\n",
        ),
        ("src/portal/c.rs", "use super::super::clock::now;\n"),
    ];
    let wanted = [
        "circle between files: src/portal/a.rs ↔ src/portal/b.rs",
        "    portal::a -> portal::b: src/portal/a.rs:1",
        "    portal::b -> portal::a: src/portal/b.rs:2",
    ];
    first_lines(&extra, &wanted);
}

#[test]
fn a_file_may_use_its_parent() {
    let extra = [
        ("src/portal/a.rs", "use super::Site;\nuse self::inner::X;\n"),
        (
            "src/portal/a/inner.rs",
            "use super::super::Site;\nuse crate::clock::now;\n",
        ),
        ("src/portal/b.rs", "use crate::portal::a::inner::W;\n"),
    ];
    first_lines(&extra, &[]);
}

#[test]
fn test_code_may_reach_anywhere() {
    let tail = "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::app::State;\n}\n";
    let extra = [
        ("src/store/tests.rs", "use crate::portal::X;\n"),
        ("src/store/tests/fixtures.rs", "use crate::portal::X;\n"),
        ("src/auth/x.rs", tail),
    ];
    first_lines(&extra, &[]);
}
