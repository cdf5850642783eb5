//! 公开目录分类表 (`/admin/gk/codes`): the office edits 主题分类 and 体裁分类 as text, one entry
//! a line. Kept by the system administrator, or by staff who supervise disclosure for the
//! district (`Action::SuperviseDisclosure` on the office's path). A refused table comes back
//! with every bad line named beside its box; a save writes its audit record in the same
//! transaction.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::codes::{self, Table};
use crate::auth::audit;
use crate::auth::model::{Role, UnitCode};
use crate::auth::permission::{Action, Object};
use crate::auth::units::Units;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, FormState};

pub const PATH: &str = "/admin/gk/codes";
/// Longest text of one table (characters).
const MAX_CHARS: usize = 50_000;

/// The office's path, or the root alone when the tree has no office.
fn office_or_root(units: &Units) -> Vec<UnitCode> {
    let p = units.office_path();
    if !p.is_empty() {
        return p;
    }
    units
        .units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| vec![u.code.clone()])
        .unwrap_or_default()
}

async fn require(st: &Shared, s: &Staff) -> Result<()> {
    if s.user.has_role(Role::Sysadmin) {
        return Ok(());
    }
    let units = Units::new(st.store.read(crate::auth::store::list_units).await?);
    let path = office_or_root(&units);
    crate::staff::shell::require(st, s, Action::SuperviseDisclosure, Object::Unit(&path)).await
}

fn table_field(t: Table, fs: &FormState) -> Markup {
    let name = t.key();
    let id = format!("f-{name}");
    let errors: Vec<&str> = fs
        .errors
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect();
    let bad = !errors.is_empty();
    let hint = match t {
        Table::Topic => {
            "每行一类。二级分类写作“一级\\二级”（如 综合政务\\政务公开），其一级分类须在前面单独一行写出。"
        }
        Table::Genre => "每行一种，如 通知、意见、批复。",
    };
    let described = if bad {
        format!("{id}-err {id}-hint")
    } else {
        format!("{id}-hint")
    };
    html! {
        div.field.has-error[bad] {
            label for=(id) { (t.label()) }
            p.hint id=(format!("{id}-hint")) { (hint) " 以 # 开头的行是注释。" }
            @if bad {
                div.error id=(format!("{id}-err")) role="alert" {
                    ul { @for e in &errors { li { (e) } } }
                }
            }
            textarea.check-rules id=(id) name=(name) rows="16" spellcheck="false"
                aria-invalid=[bad.then_some("true")] aria-describedby=(described) { (fs.value(name)) }
        }
    }
}

fn view(st: &Shared, s: &Staff, fs: &FormState, status: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(m) = status { div.notice.ok role="status" { (m) } }
        (form::notice(fs))
        p {
            "编辑信息时“主题分类”“体裁分类”从这两张表中选择。默认采用国务院公文主题分类和《党政机关公文处理工作条例》规定的文种；"
            "删去一类不影响已经标注该类的信息。"
        }
        form.card method="post" action=(PATH) novalidate {
            (form::csrf(&s.csrf))
            div.field-row {
                (table_field(Table::Topic, fs))
                (table_field(Table::Genre, fs))
            }
            div.actions {
                button.primary type="submit" { "保存分类表" }
            }
        }
    };
    crate::staff::shell::render(st, s, "公开目录分类表", body)
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /admin/gk/codes
pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response> {
    require(&st, &s).await?;
    let values = st
        .store
        .read(|txn| {
            Table::ALL
                .iter()
                .map(|t| Ok((t.key().to_owned(), codes::load_text(txn, *t)?)))
                .collect::<Result<Vec<_>>>()
        })
        .await?;
    let fs = FormState {
        values,
        ..FormState::default()
    };
    let status = match q.done.as_str() {
        "saved" => Some("分类表已保存，并已记入审计日志。"),
        "unchanged" => Some("分类表没有改动，未保存。"),
        _ => None,
    };
    Ok(page(view(&st, &s, &fs, status)))
}

/// What changed in one table, for the audit record.
fn change(t: Table, old: &[String], new: &[String]) -> Option<String> {
    let added: Vec<&str> = new
        .iter()
        .filter(|e| !old.contains(e))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = old
        .iter()
        .filter(|e| !new.contains(e))
        .map(String::as_str)
        .collect();
    if added.is_empty() && removed.is_empty() && old == new {
        return None;
    }
    let mut d = format!("{}：新增 {} 条", t.label(), added.len());
    if !added.is_empty() {
        d.push_str(&format!("（{}）", added.join("｜")));
    }
    d.push_str(&format!("，删除 {} 条", removed.len()));
    if !removed.is_empty() {
        d.push_str(&format!("（{}）", removed.join("｜")));
    }
    if added.is_empty() && removed.is_empty() {
        d.push_str("，顺序调整");
    }
    Some(d)
}

/// POST /admin/gk/codes
pub async fn submit(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..FormState::default()
    };
    let mut parsed = Vec::new();
    for t in Table::ALL {
        let text = p.get(t.key());
        if text.chars().count() > MAX_CHARS {
            fs.add_error(
                t.key(),
                format!("{}过长（不超过 {MAX_CHARS} 个字）", t.label()),
            );
            continue;
        }
        match codes::parse(t, text) {
            Ok(entries) => parsed.push((t, text.to_owned(), entries)),
            Err(errs) => {
                for e in errs {
                    fs.add_error(t.key(), e);
                }
            }
        }
    }
    if fs.has_errors() {
        return Ok(html_invalid(view(&st, &s, &fs, None)));
    }
    let (user, ctx, now) = (s.user.clone(), p.ctx.clone(), st.now_ms());
    let changed = st
        .store
        .write(move |txn| {
            let mut details = Vec::new();
            for (t, text, entries) in &parsed {
                let old_text = codes::load_text_w(txn, *t)?;
                let old = codes::parse(*t, &old_text).unwrap_or_else(|_| t.default_entries());
                if let Some(d) = change(*t, &old, entries) {
                    codes::save(txn, *t, text)?;
                    details.push(d);
                }
            }
            if details.is_empty() {
                return Ok(false);
            }
            let ev = crate::staff::shell::event(
                &user,
                &ctx,
                "gk_codes_update",
                "gk_codes".into(),
                true,
                details.join("；"),
            );
            audit::append(txn, ev, now)?;
            Ok(true)
        })
        .await?;
    let done = if changed { "saved" } else { "unchanged" };
    Ok(see_other(&format!("{PATH}?done={done}")))
}
