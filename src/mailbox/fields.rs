//! The letter form's text fields with their length limits: shown in the hint, counted as
//! the writer types (`js/mailbox.js` fills the counter), enforced on the server.

use maud::{Markup, html};

use crate::views::form::FormState;

/// A text input (`rows` = 0) or text area with `min..=max` characters.
pub fn counted(
    name: &str,
    label: &str,
    (min, max): (u32, u32),
    rows: u8,
    hint: &str,
    fs: &FormState,
) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let count_id = format!("{id}-count");
    let described = match err {
        Some(_) => format!("{err_id} {hint_id} {count_id}"),
        None => format!("{hint_id} {count_id}"),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) span.req aria-hidden="true" { " *" } }
            p.hint id=(hint_id) { (hint) @if !hint.is_empty() { "，" } (min) "–" (max) " 字。" }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            @if rows == 0 {
                input id=(id) name=(name) type="text" value=(fs.value(name)) required
                    data-min=(min) data-max=(max) data-count=(count_id)
                    aria-invalid=[err.map(|_| "true")] aria-describedby=(described);
            } @else {
                textarea id=(id) name=(name) rows=(rows) required
                    data-min=(min) data-max=(max) data-count=(count_id)
                    aria-invalid=[err.map(|_| "true")] aria-describedby=(described) { (fs.value(name)) }
            }
            p.hint.counter id=(count_id) aria-live="polite" {}
        }
    }
}

/// The trimmed value of `name`, with its length checked against `min..=max`.
pub fn read_counted(
    f: &[(String, String)],
    fs: &mut FormState,
    name: &str,
    label: &str,
    (min, max): (u32, u32),
) -> String {
    let v = value(f, name).trim().to_owned();
    let n = u32::try_from(v.chars().count()).unwrap_or(u32::MAX);
    if v.is_empty() {
        fs.add_error(name, format!("请填写{label}"));
    } else if n < min {
        fs.add_error(name, format!("{label}至少 {min} 字，现在是 {n} 字"));
    } else if n > max {
        fs.add_error(name, format!("{label}不能超过 {max} 字，现在是 {n} 字"));
    }
    v
}

pub fn value<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}
