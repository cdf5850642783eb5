//! 自动保存: the item form's page sends its unsaved text every short while and when it is
//! left (`forms.js`), and the server keeps the newest copy per user and form, apart from the
//! item (no revision, no state change, nothing anyone else sees). Opening the form again
//! offers it back when it is newer than the item and differs from it; a successful save of
//! the form ends it. Each autosave also counts as activity for the session, so typing keeps
//! a writer signed in (within the absolute limit). Without JavaScript nothing is sent.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use redb::{ReadTransaction, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::store::{get_json, put_json, tables};

/// Autosaves older than this are dropped by the scheduler.
pub const KEEP_MS: i64 = 30 * 24 * 3_600_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Autosave {
    pub fields: Vec<(String, String)>,
    pub saved_ms: i64,
}

impl Autosave {
    fn value(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether it says something the form's current values do not (title, summary, body).
    pub fn differs_from(&self, values: &[(String, String)]) -> bool {
        let now = |name: &str| {
            values
                .iter()
                .find(|(k, _)| k == name)
                .map_or("", |(_, v)| v.as_str())
        };
        ["title", "subtitle", "summary", "body", "keywords"]
            .iter()
            .any(|f| norm(self.value(f)) != norm(now(f)))
    }
}

/// Whitespace does not count as a change (the rich editor reflows markup).
fn norm(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The form an autosave belongs to: a new item, or the item with this id.
pub fn form_of(id: Option<u64>) -> String {
    match id {
        Some(id) => format!("/admin/articles/{id}"),
        None => "/admin/articles/new".into(),
    }
}

fn key(user: u64, form: &str) -> String {
    format!("{user:016x}/{form}")
}

pub fn get(txn: &ReadTransaction, user: u64, form: &str) -> Result<Option<Autosave>> {
    get_json(&txn.open_table(tables::AUTOSAVES)?, &key(user, form))
}

/// Ends a form's autosave (in the transaction that saved the form).
pub fn clear(txn: &WriteTransaction, user: u64, form: &str) -> Result<()> {
    txn.open_table(tables::AUTOSAVES)?
        .remove(key(user, form).as_str())?;
    Ok(())
}

/// Removes autosaves older than `KEEP_MS`; run by the scheduler.
pub fn sweep(txn: &WriteTransaction, now_ms: i64) -> Result<usize> {
    use redb::ReadableTable;
    let mut t = txn.open_table(tables::AUTOSAVES)?;
    let mut dead = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        match serde_json::from_slice::<Autosave>(v.value()) {
            Ok(a) if now_ms - a.saved_ms <= KEEP_MS => {}
            _ => dead.push(k.value().to_owned()),
        }
    }
    for k in &dead {
        t.remove(k.as_str())?;
    }
    Ok(dead.len())
}

/// The form fields worth keeping: not the token, not the buttons, not file names.
fn kept_fields(p: &Posted) -> Vec<(String, String)> {
    p.fields
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "csrf" | "action" | "op" | "cover" | "attachments"
            )
        })
        .cloned()
        .collect()
}

async fn store_for(st: &Shared, s: &Staff, form: String, p: &Posted) -> Result<Response> {
    let fields = kept_fields(p);
    if p.get("op") == "discard" {
        let uid = s.user.id;
        let f2 = form.clone();
        st.store.write(move |txn| clear(txn, uid, &f2)).await?;
        return Ok(crate::http::respond::see_other(&form));
    }
    if fields
        .iter()
        .all(|(k, v)| k == "revision" || v.trim().is_empty())
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let a = Autosave {
        fields,
        saved_ms: st.now_ms(),
    };
    let uid = s.user.id;
    st.store
        .write(move |txn| put_json(txn, tables::AUTOSAVES, &key(uid, &form), &a))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// POST /admin/articles/{id}/autosave: only while the user may edit the item.
pub async fn item(State(st): State<Shared>, Path(id): Path<String>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let ic = crate::publishing::review::item::ItemCtx::load(&st, &s, &id).await?;
    if !ic.may_edit() {
        return Err(Error::Forbidden("当前状态下您不能修改此信息。".into()));
    }
    store_for(&st, &s, form_of(Some(ic.article.id)), &p).await
}

/// POST /admin/articles/new/autosave: for anyone who may write a new item.
pub async fn new_item(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let units = crate::publishing::review::levels::Units::new(
        st.store.read(crate::auth::store::list_units).await?,
    );
    if crate::publishing::review::levels::writable_units(&s.user, &units).is_empty() {
        return Err(Error::Forbidden("您没有撰写信息的角色。".into()));
    }
    store_for(&st, &s, form_of(None), &p).await
}

/// The user's autosave of this form when it is worth offering: newer than `updated_ms`
/// and saying something the form does not.
pub async fn offer(
    st: &Shared,
    s: &Staff,
    id: Option<u64>,
    updated_ms: i64,
    values: &[(String, String)],
) -> Result<Option<Autosave>> {
    let (uid, form) = (s.user.id, form_of(id));
    let a = st.store.read(move |txn| get(txn, uid, &form)).await?;
    Ok(a.filter(|a| a.saved_ms > updated_ms && a.differs_from(values)))
}

/// The banner offering an autosave back: restore (a link, so it works without scripts)
/// or discard.
pub fn banner(id: Option<u64>, a: &Autosave, csrf: &str) -> Markup {
    let form = form_of(id);
    html! {
        div.notice.warn role="status" #autosave-offer {
            p { "您有一份尚未保存的内容（" (crate::clock::show(a.saved_ms)) " 自动保存），比下面表单中的内容新。" }
            p {
                a.button href=(format!("{form}?restore=autosave")) { "恢复自动保存的内容" } " "
                form.inline method="post" action=(format!("{form}/autosave")) {
                    (crate::views::form::csrf(csrf))
                    input type="hidden" name="op" value="discard";
                    button.link type="submit" { "丢弃自动保存的内容" }
                }
            }
        }
    }
}
