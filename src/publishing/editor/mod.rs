//! The staff editor: sites (`sites`), channels (`channels`) and items (`articles`: the list
//! and the item page; `item_form` and `draft`: the form and its parsing; `upload`, `rich`:
//! files and the rich-text editor; `history`: revisions and diffs). Who may do what to an
//! item, and every state change, belong to the publishing workflow (`portal::review`).

pub mod articles;
pub mod autosave;
pub mod channels;
pub mod draft;
pub mod history;
pub mod item_form;
pub mod received;
pub mod rich;
pub mod schedule;
pub mod site_images;
pub mod site_layout;
pub mod sites;
pub mod upload;

use crate::auth::model::{Unit, UnitCode};
use crate::auth::permission::{Action, Object, can};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::staff::shell::{facts, require};

/// Permission questions of the editor, all answered by the one `can`.
pub struct Scope {
    pub units: Vec<Unit>,
}

impl Scope {
    pub async fn load(st: &Shared) -> Result<Scope> {
        Ok(Scope {
            units: st.store.read(crate::auth::store::list_units).await?,
        })
    }

    pub fn path(&self, code: &UnitCode) -> Vec<UnitCode> {
        crate::auth::store::unit_path(&self.units, code)
    }

    pub fn unit_name(&self, code: &UnitCode) -> String {
        self.units
            .iter()
            .find(|u| &u.code == code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// The units `action` is allowed on for this user (as a quick filter for lists;
    /// each change is still checked with `require`).
    pub async fn allowed(&self, st: &Shared, s: &Staff, action: Action) -> Result<Vec<UnitCode>> {
        let f = facts(st).await?;
        Ok(self
            .units
            .iter()
            .filter(|u| can(&s.user, action, Object::Unit(&self.path(&u.code)), f))
            .map(|u| u.code.clone())
            .collect())
    }

    /// Requires `action` on at least one unit; returns those units.
    pub async fn require_any(
        &self,
        st: &Shared,
        s: &Staff,
        action: Action,
    ) -> Result<Vec<UnitCode>> {
        let units = self.allowed(st, s, action).await?;
        let Some(first) = units.first() else {
            return Err(Error::Forbidden("您没有权限访问此页面。".into()));
        };
        require(st, s, action, Object::Unit(&self.path(first))).await?;
        Ok(units)
    }

    /// Requires `action` on `unit` (and so on its subtree's grants from above).
    pub async fn require(
        &self,
        st: &Shared,
        s: &Staff,
        action: Action,
        unit: &UnitCode,
    ) -> Result<()> {
        require(st, s, action, Object::Unit(&self.path(unit))).await
    }
}

/// Text typed into a body box: HTML is cleaned, plain text becomes paragraphs. Inline
/// markup typed without paragraphs (e.g. a bold word) still gets its paragraphs.
pub fn body_html(input: &str) -> String {
    let t = input.trim().replace("\r\n", "\n");
    if !(t.contains('<') && t.contains('>')) {
        return crate::portal::sanitize::paragraphs(&t);
    }
    let c = crate::portal::sanitize::clean(&t);
    const BLOCKS: [&str; 11] = [
        "<p",
        "<div",
        "<h2",
        "<h3",
        "<h4",
        "<table",
        "<ul",
        "<ol",
        "<blockquote",
        "<figure",
        "<hr",
    ];
    if BLOCKS.iter().any(|b| c.contains(b)) {
        return c;
    }
    let wrapped: String = c
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect();
    // Cleaned again: a tag split across paragraphs is closed properly.
    crate::portal::sanitize::clean(&wrapped)
}

#[cfg(test)]
mod tests {
    use super::body_html;

    #[test]
    fn bodies() {
        assert_eq!(body_html("一\n\n二"), "<p>一</p><p>二</p>");
        assert_eq!(
            body_html("第一条。\n\n第二条<script>x</script><b>粗</b>"),
            "<p>第一条。</p><p>第二条<b>粗</b></p>"
        );
        assert_eq!(body_html("<p>段<em>落</em></p>"), "<p>段<em>落</em></p>");
        assert!(!body_html("<p onclick=\"x()\">a</p>").contains("onclick"));
    }
}
