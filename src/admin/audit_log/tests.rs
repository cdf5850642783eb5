//! Every action the code records has a label (a scan of the sources).

use std::path::{Path, PathBuf};

/// Every action the code records has a label: a new action without one fails here.
///
/// An action reaches the log as the `action` of an `audit::Event`: written in an
/// `Event { .. }` literal (or assigned, `ev.action = ..`), or passed to a function that
/// builds the event, i.e. any `fn` with an `action: &'static str` parameter
/// (`common::event`, `cli::cli_event`, `cli::audit_cli`, and any added later). Each such
/// value is followed back to its string literals: a literal; the enclosing helper's own
/// `action` parameter (its callers are checked instead); a local `let` binding (the
/// literals in it); or a call of a function returning `&'static str`, like
/// `review::item::audit_action` (the literals in its body). A value it cannot follow
/// fails the test as well, so a new way of passing an action cannot slip past unseen.
#[test]
fn every_recorded_action_has_a_label() {
    let files = sources();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let helpers = action_helpers(&files);
    let static_fns = static_str_fns(&files);
    for f in &files {
        for (at, expr) in action_sites(f, &helpers) {
            let file = f
                .path
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&f.path);
            let place = format!("{}:{}", file.display(), f.line(at));
            match resolve(f, at, expr, &static_fns) {
                Resolved::Parameter => {}
                Resolved::Literals(l) if !l.is_empty() => {
                    found.extend(l.into_iter().map(|a| (a, place.clone())))
                }
                _ => problems.push(format!(
                    "{place}: cannot tell which actions `{}` records",
                    f.original(expr).trim()
                )),
            }
        }
    }
    // The scan itself must see every way actions are passed today.
    for (known, file) in [
        ("login", "admin/login.rs"),               // an Event literal
        ("audit_verify", "admin/audit_log.rs"),    // common::event with a literal
        ("user_enable", "admin/user_actions.rs"),  // a local `let` with literals
        ("admin_create", "admin/cli.rs"),          // cli_event
        ("backup", "src/main.rs"),                 // cli::audit_cli
        ("article_publish", "review/handlers.rs"), // a `let` calling audit_action
        ("article_submit", "editor/articles.rs"),  // audit_action as the argument
        ("demo_fill", "src/demo.rs"),              // an Event literal outside admin/
    ] {
        assert!(
            found
                .iter()
                .any(|(a, place)| a == known && place.contains(&format!("{file}:"))),
            "the scan missed {known} in {file}: {found:?}"
        );
    }
    for (a, place) in &found {
        if super::action_label(a) == "其他操作" {
            problems.push(format!("{place}: audit action {a:?} has no label"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A byte range in a source file.
type Span = (usize, usize);

/// A function with a body: its name, its parameter list (inside the parentheses) and
/// its body (with the braces).
struct FnDef {
    name: String,
    params: Span,
    body: Span,
}

/// One source file: its text and the same text with comments blanked and the insides
/// of string and char literals masked, byte for byte, so patterns are searched in code
/// only and offsets stay the same in both.
struct Source {
    path: PathBuf,
    text: String,
    code: String,
}

impl Source {
    fn line(&self, at: usize) -> usize {
        self.text[..at].matches('\n').count() + 1
    }
    fn original(&self, r: Span) -> &str {
        &self.text[r.0..r.1]
    }
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let code = mask(&text);
                out.push(Source {
                    path: p,
                    text,
                    code,
                });
            }
        }
    }
    out
}

/// `text` with comments turned to spaces and literal contents to `_` (delimiters kept).
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize, with: u8| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = with;
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end, b' ');
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                blank(&mut out, i, end, b' ');
                i = end;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !is_ident(b[i - 1])) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = text[start..].find(&close).map_or(b.len(), |n| start + n);
                blank(&mut out, start, end, b'_');
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j.min(b.len()), b'_');
                i = j + 1;
            }
            // A char literal ('x', '\n', '\''), not a lifetime ('a).
            b'\'' => {
                let len = if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|c| *c == b'\'').map(|n| n + 2)
                } else {
                    text[i + 1..]
                        .chars()
                        .next()
                        .map(char::len_utf8)
                        .filter(|n| b.get(i + 1 + n) == Some(&b'\''))
                };
                match len {
                    Some(n) => {
                        blank(&mut out, i + 1, i + 1 + n, b'_');
                        i += n + 2;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).unwrap()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where `word` occurs in `code` as a whole identifier.
fn words<'a>(code: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(word).map(|(i, _)| i).filter(move |&i| {
        let b = code.as_bytes();
        (i == 0 || !is_ident(b[i - 1])) && b.get(i + word.len()).is_none_or(|c| !is_ident(*c))
    })
}

/// The offset of the bracket closing the one at `open`.
fn closing(code: &str, open: usize) -> usize {
    let mut depth = 0usize;
    for (i, c) in code.bytes().enumerate().skip(open) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced brackets after byte {open}")
}

/// The comma-separated parts of `code[from..to]` at bracket depth 0, as ranges; with
/// `angles`, `<…>` nest too (for parameter lists with generic types).
fn parts(code: &str, from: usize, to: usize, angles: bool) -> Vec<Span> {
    let b = code.as_bytes();
    let (mut depth, mut start, mut out) = (0i32, from, Vec::new());
    for i in from..to {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b'<' if angles => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'>' if angles && b[i - 1] != b'-' && b[i - 1] != b'=' => depth -= 1,
            b',' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    if !code[start..to].trim().is_empty() {
        out.push((start, to));
    }
    out
}

/// The functions that take an action: name and the index of the `action` parameter.
fn action_helpers(files: &[Source]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for f in files {
        for d in fns(&f.code) {
            let ps = parts(&f.code, d.params.0, d.params.1, true);
            if let Some(i) = ps.iter().position(|p| is_action_param(&f.code[p.0..p.1])) {
                out.push((d.name, i));
            }
        }
    }
    out
}

fn is_action_param(p: &str) -> bool {
    p.split_whitespace().collect::<String>() == "action:&'staticstr"
}

/// The bodies of the functions returning `&'static str`, by name.
fn static_str_fns(files: &[Source]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files {
        for d in fns(&f.code) {
            let ret = &f.code[d.params.1..d.body.0];
            if ret.split_whitespace().collect::<String>() == ")->&'staticstr" {
                out.push((d.name, f.text[d.body.0..d.body.1].to_owned()));
            }
        }
    }
    out
}

/// Every `fn` with a body.
fn fns(code: &str) -> Vec<FnDef> {
    let mut out = Vec::new();
    for at in words(code, "fn") {
        let rest = &code[at + 2..];
        let name: String = rest
            .trim_start()
            .bytes()
            .take_while(|c| is_ident(*c))
            .map(char::from)
            .collect();
        let Some(open) = rest.find('(').map(|n| at + 2 + n) else {
            continue;
        };
        if name.is_empty() || !code[at + 2..open].trim().starts_with(name.as_str()) {
            continue;
        }
        let close = closing(code, open);
        // A declaration without a body (in a trait) ends at `;` before any `{`.
        let (Some(brace), semi) = (code[close..].find('{'), code[close..].find(';')) else {
            continue;
        };
        if semi.is_some_and(|s| s < brace) {
            continue;
        }
        let body = close + brace;
        out.push(FnDef {
            name,
            params: (open + 1, close),
            body: (body, closing(code, body) + 1),
        });
    }
    out
}

/// Every place an action is given: (offset, range of the expression giving it).
fn action_sites(f: &Source, helpers: &[(String, usize)]) -> Vec<(usize, Span)> {
    let code = &f.code;
    let mut out = Vec::new();
    // `Event { .., action: expr, .. }` or the shorthand `action`.
    for at in words(code, "Event") {
        let after = code[at + 5..].trim_start();
        let before = code[..at].trim_end();
        if !after.starts_with('{')
            || ["struct", "->", "impl", "for", "enum"]
                .iter()
                .any(|w| before.ends_with(w))
        {
            continue;
        }
        let open = code.len() - after.len();
        let close = closing(code, open);
        for (a, b) in parts(code, open + 1, close, false) {
            let field = code[a..b].trim_start();
            let start = b - field.len();
            if let Some(v) = field.strip_prefix("action") {
                let v = v.trim_start();
                if v.is_empty() {
                    out.push((start, (start, start + "action".len())));
                } else if let Some(e) = v.strip_prefix(':') {
                    out.push((start, (b - e.len(), b)));
                }
            }
        }
    }
    // `ev.action = expr;`
    for (at, _) in code.match_indices(".action") {
        let rest = code[at + 7..].trim_start();
        if rest.starts_with('=') && !rest.starts_with("==") {
            let from = code.len() - rest.len() + 1;
            let to = from + code[from..].find(';').unwrap();
            out.push((at, (from, to)));
        }
    }
    // A helper called with the action at its position.
    for (name, index) in helpers {
        for at in words(code, name) {
            let after = &code[at + name.len()..];
            if !after.starts_with('(') || code[..at].trim_end().ends_with("fn") {
                continue;
            }
            let open = at + name.len();
            let args = parts(code, open + 1, closing(code, open), false);
            match args.get(*index) {
                Some(&r) => out.push((at, r)),
                None => out.push((at, (at, open))),
            }
        }
    }
    out
}

enum Resolved {
    /// The enclosing helper's own `action` parameter: its callers are the sites.
    Parameter,
    Literals(Vec<String>),
}

fn resolve(f: &Source, at: usize, (a, b): Span, static_fns: &[(String, String)]) -> Resolved {
    let expr = f.code[a..b].trim();
    let ident = !expr.is_empty() && expr.bytes().all(is_ident);
    if !ident {
        return Resolved::Literals(literals_in(f.original((a, b)), static_fns));
    }
    // The nearest enclosing `fn`: its parameter, or a `let` inside it.
    let Some(FnDef { params, body, .. }) = fns(&f.code)
        .into_iter()
        .filter(|d| d.body.0 <= at && at < d.body.1)
        .max_by_key(|d| d.body.0)
    else {
        return Resolved::Literals(Vec::new());
    };
    let bound = words(&f.code[body.0..at], expr)
        .map(|i| body.0 + i)
        .filter(|&i| {
            let before = f.code[..i].trim_end();
            before.ends_with("let") || before.ends_with("let mut")
        })
        .last();
    if let Some(i) = bound {
        let rest = &f.code[i + expr.len()..];
        let Some(eq) = rest.trim_start().strip_prefix('=') else {
            return Resolved::Literals(Vec::new());
        };
        let from = f.code.len() - eq.len();
        let to = from + f.code[from..].find(';').unwrap();
        return Resolved::Literals(literals_in(&f.text[from..to], static_fns));
    }
    let is_param = parts(&f.code, params.0, params.1, true)
        .iter()
        .any(|p| expr == "action" && is_action_param(&f.code[p.0..p.1]));
    if is_param {
        Resolved::Parameter
    } else {
        Resolved::Literals(Vec::new())
    }
}

/// The string literals in `expr`, and those in the bodies of the `&'static str`
/// functions it calls.
fn literals_in(expr: &str, static_fns: &[(String, String)]) -> Vec<String> {
    let mut out = string_literals(expr);
    let code = mask(expr);
    for (name, body) in static_fns {
        if words(&code, name).any(|i| code[i + name.len()..].starts_with('(')) {
            out.extend(string_literals(body));
        }
    }
    out
}

/// The values of the string literals in `text` (not in its comments).
fn string_literals(text: &str) -> Vec<String> {
    let code = mask(text);
    let quotes: Vec<usize> = code.match_indices('"').map(|(i, _)| i).collect();
    quotes
        .chunks_exact(2)
        .map(|q| text[q[0] + 1..q[1]].to_owned())
        .collect()
}
