//! The unit tree (组织机构), kept by the 系统管理员: the tree with each unit's kind, code,
//! credit code and disclosure duty, and the form for a new unit. Editing, moving and retiring
//! a unit is `unit_edit`.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::auth::audit;
use crate::auth::model::{Unit, UnitCode, UnitKind};
use crate::auth::permission::{Action, Object};
use crate::auth::store as users;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::views::form::{self, Field, FormState};

use crate::staff::shell::{event, render, require};

/// The unit kinds, for a select.
pub(super) fn kind_options() -> Vec<(String, String)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.id().to_owned(), k.label().to_owned()))
        .collect()
}

/// Whether `code` is `root` or lies under it.
pub(super) fn within(units: &[Unit], code: &UnitCode, root: &UnitCode) -> bool {
    users::unit_path(units, code).contains(root)
}

/// The units that may be a parent, indented as the tree: never a retired one, nor (when
/// moving `moving`) the unit itself or its subtree.
pub(super) fn parent_options(units: &[Unit], moving: Option<&UnitCode>) -> Vec<(String, String)> {
    users::tree_order(units)
        .into_iter()
        .filter(|(_, u)| !u.retired && moving.is_none_or(|m| !within(units, &u.code, m)))
        .map(|(d, u)| (u.code.to_string(), format!("{}{}", "　".repeat(d), u.name)))
        .collect()
}

fn view(st: &Shared, s: &Staff, units: &[Unit], fs: &FormState) -> Markup {
    let kinds = kind_options();
    let parents = parent_options(units, None);
    let body = html! {
        section.card {
            h2 { "单位树" }
            ul.tree {
                @for (depth, u) in users::tree_order(units) {
                    // Indented by class: the CSP forbids inline styles.
                    li class=(format!("depth-{}", depth.min(4))) {
                        a href=(format!("/admin/units/{}", u.code)) { (u.name) }
                        " " span.muted { "（" (u.kind.label()) "，代码 " code { (u.code) }
                            @if let Some(c) = &u.profile.credit_code { "，统一社会信用代码 " code { (c.as_str()) } }
                            @if u.discloses() { "，有政务公开职责" }
                            "）" }
                        @if u.retired { " " span.badge { "已撤销" } }
                    }
                }
            }
        }
        section.card {
            h2 { "新增单位" }
            (form::notice(fs))
            form method="post" action="/admin/units" novalidate {
                (form::csrf(&s.csrf))
                (form::field(&Field::new("code", "单位代码").hint("2 到 16 个小写字母、数字或连字符，如 commerce"), fs))
                (form::field(&Field::new("name", "单位名称"), fs))
                (form::select("kind", "单位类型", &kinds, fs))
                (form::select("parent", "上级单位", &parents, fs))
                button.primary type="submit" { "新增单位" }
            }
        }
    };
    render(st, s, "组织机构", body)
}

pub async fn list(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let units = st.store.read(users::list_units).await?;
    Ok(page(view(&st, &s, &units, &FormState::default())))
}

pub async fn create(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let units = st.store.read(users::list_units).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let code = UnitCode::parse(p.get("code"));
    if let Err(m) = &code {
        fs.add_error("code", *m);
    }
    let name = p.get("name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 40 {
        fs.add_error("name", "请填写单位名称（不超过 40 个字）");
    }
    let kind = UnitKind::parse(p.get("kind"));
    if kind.is_none() {
        fs.add_error("kind", "请选择单位类型");
    }
    let parent = if units.is_empty() {
        None
    } else {
        let p = UnitCode::parse(p.get("parent"))
            .ok()
            .filter(|c| units.iter().any(|u| &u.code == c && !u.retired));
        if p.is_none() {
            fs.add_error("parent", "请选择上级单位（已撤销的单位不能再有下级）");
        }
        p
    };
    let (Ok(code), Some(kind), false) = (code, kind, fs.has_errors()) else {
        return Ok(html_invalid(view(&st, &s, &units, &fs)));
    };
    let now = st.now_ms();
    let ev = event(
        &s.user,
        &p.ctx,
        "unit_create",
        format!("unit:{code}"),
        true,
        name.clone(),
    );
    let unit = Unit {
        code,
        name,
        kind,
        parent,
        created_ms: now,
        profile: Default::default(),
        retired: false,
    };
    let r = st
        .store
        .write(move |txn| {
            let r = users::create_unit(txn, unit)?;
            if r.is_ok() {
                audit::append(txn, ev, now)?;
            }
            Ok(r)
        })
        .await?;
    match r {
        Ok(()) => Ok(see_other("/admin/units")),
        Err(e) => {
            fs.add_error(e.field, e.message);
            Ok(html_invalid(view(&st, &s, &units, &fs)))
        }
    }
}
