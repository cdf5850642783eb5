//! Form pieces the shared `views::form` lacks: a labelled text area and a group of radio
//! buttons under a fieldset and legend, each with its message beside it.

use maud::{Markup, html};

use crate::views::form::FormState;

/// A labelled text area; `max` characters shown as a hint and enforced by the server.
pub fn textarea(
    name: &str,
    label: &str,
    required: bool,
    max: usize,
    rows: u8,
    hint: &str,
    fs: &FormState,
) -> Markup {
    let id = format!("f-{name}");
    let err = fs.error(name);
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let hint_text = if hint.is_empty() {
        format!("不超过 {max} 字。")
    } else {
        format!("{hint}（不超过 {max} 字）")
    };
    let described = match err {
        Some(_) => format!("{err_id} {hint_id}"),
        None => hint_id.clone(),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) @if required { span.req aria-hidden="true" { " *" } } }
            p.hint id=(hint_id) { (hint_text) }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            textarea id=(id) name=(name) rows=(rows) required[required]
                aria-invalid=[err.map(|_| "true")] aria-describedby=(described) { (fs.value(name)) }
        }
    }
}

/// Radio buttons under a fieldset whose legend names the choice.
pub fn radios(name: &str, legend: &str, options: &[(&str, &str)], fs: &FormState) -> Markup {
    let err = fs.error(name);
    let err_id = format!("f-{name}-err");
    let cur = fs.value(name);
    html! {
        fieldset.field.radios.has-error[err.is_some()] aria-describedby=[err.map(|_| err_id.clone())] {
            legend { (legend) span.req aria-hidden="true" { " *" } }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            @for (v, l) in options {
                @let id = format!("f-{name}-{v}");
                span.choice {
                    input type="radio" id=(id) name=(name) value=(*v) checked[*v == cur];
                    label for=(id) { (*l) }
                }
            }
        }
    }
}

/// A trimmed text field of at most `max` characters; `required` ones may not be empty.
pub fn text(
    fields: &[(String, String)],
    fs: &mut FormState,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
) -> String {
    let v = fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    if required && v.is_empty() {
        fs.add_error(name, format!("请填写{label}"));
    } else if v.chars().count() > max {
        fs.add_error(
            name,
            format!("{label}不能超过 {max} 字，现在是 {} 字", v.chars().count()),
        );
    }
    v
}

/// A date typed as YYYY-MM-DD; an empty optional one is `None`.
pub fn date(
    fields: &[(String, String)],
    fs: &mut FormState,
    name: &str,
    label: &str,
    required: bool,
) -> Option<time::Date> {
    let v = text(fields, fs, name, label, 10, required);
    if v.is_empty() {
        return None;
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(&v, &fmt) {
        Ok(d) => Some(d),
        Err(_) => {
            fs.add_error(
                name,
                format!("{label}应为“年-月-日”格式的日期，如 2026-03-05"),
            );
            None
        }
    }
}
