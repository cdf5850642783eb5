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
    (Capability, &["portal", "publishing", "ops", "admin"]),
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
fn test_code_may_reach_anywhere() {
    let tail = "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::app::State;\n}\n";
    let extra = [
        ("src/store/tests.rs", "use crate::portal::X;\n"),
        ("src/store/tests/fixtures.rs", "use crate::portal::X;\n"),
        ("src/auth/x.rs", tail),
    ];
    first_lines(&extra, &[]);
}
