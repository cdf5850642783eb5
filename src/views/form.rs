//! Form components: a labelled field with its error message next to it, the user's
//! input kept.

use maud::{Markup, html};

/// Values and errors of a submitted (or fresh) form.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
    /// A message about the whole form.
    pub notice: Option<String>,
}

impl FormState {
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn add_error(&mut self, name: &str, msg: impl Into<String>) {
        self.errors.push((name.to_owned(), msg.into()));
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.notice.is_some()
    }
}

pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub required: bool,
    pub autocomplete: &'a str,
    pub hint: &'a str,
    /// Where the cursor starts when the page opens (one field per page).
    pub autofocus: bool,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str) -> Self {
        Field {
            name,
            label,
            kind: "text",
            required: true,
            autocomplete: "off",
            hint: "",
            autofocus: false,
        }
    }
    pub fn kind(mut self, k: &'a str) -> Self {
        self.kind = k;
        self
    }
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = a;
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = h;
        self
    }
    pub fn autofocus(mut self, on: bool) -> Self {
        self.autofocus = on;
        self
    }
}

pub fn field(f: &Field<'_>, st: &FormState) -> Markup {
    let id = format!("f-{}", f.name);
    let err = st.error(f.name);
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described = match (err.is_some(), !f.hint.is_empty()) {
        (true, true) => Some(format!("{err_id} {hint_id}")),
        (true, false) => Some(err_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    // Passwords are never echoed back.
    let value = if f.kind == "password" {
        ""
    } else {
        st.value(f.name)
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (f.label) @if f.required { span.req aria-hidden="true" { " *" } } }
            @if !f.hint.is_empty() { p.hint id=(hint_id) { (f.hint) } }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            input id=(id) name=(f.name) type=(f.kind) value=(value)
                autocomplete=(f.autocomplete)
                required[f.required]
                autofocus[f.autofocus]
                aria-invalid=[err.map(|_| "true")]
                aria-describedby=[described];
        }
    }
}

pub fn select(name: &str, label: &str, options: &[(String, String)], st: &FormState) -> Markup {
    let id = format!("f-{name}");
    let err = st.error(name);
    let err_id = format!("{id}-err");
    let cur = st.value(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            @if let Some(e) = err { p.error id=(err_id) role="alert" { (e) } }
            select id=(id) name=(name) aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| err_id.clone())] {
                @for (v, l) in options {
                    option value=(v) selected[v == cur] { (l) }
                }
            }
        }
    }
}

pub fn notice(st: &FormState) -> Markup {
    html! {
        @if let Some(n) = &st.notice { div.notice.error role="alert" { (n) } }
        @else if !st.errors.is_empty() { div.notice.error role="alert" { "提交的内容有误，请按提示修改。" } }
    }
}

pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}
