//! The guide's pages: public at `{area}guide` with its 更新日期 (a unit that has not written
//! one shows what its profile says, marked as not yet compiled), edited by the unit's handlers
//! at `/admin/gk/guide/{code}` (audited, then indexed for search).

use super::model::{Guide, get};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use crate::auth::audit;
use crate::auth::model::Unit;
use crate::auth::permission::{Action, Object};
use crate::disclosure::fields::{text, textarea};
use crate::disclosure::page::{self, AreaPath, Column};
use crate::disclosure::units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, Staff};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::http::routes::Routes;
use crate::staff::shell::{event, render, require};
use crate::store::put_json;
use crate::store::tables::GK_GUIDES;
use crate::views::form::{Field, FormState, csrf, field, notice};

pub fn router() -> Routes {
    Routes::new()
        .get("/gk/guide", page_main)
        .get("/u/{code}/gk/guide", page_public)
        .get("/admin/gk/guide/{code}", page_edit)
        .post("/admin/gk/guide/{code}", post_edit)
}

async fn page_main(st: State<Shared>, ctx: Ctx) -> Result<Response> {
    page_public(st, ctx, Path(AreaPath { code: None })).await
}

/// GET {area}guide
async fn page_public(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(p): Path<AreaPath>,
) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = page::area(&all, &p)?;
    let code = a.unit.code.clone();
    let stored = st.store.read(move |txn| get(txn, &code)).await?;
    let compiled = stored.is_some();
    let g = stored.unwrap_or_else(|| Guide::from_profile(&a.unit));
    let or_none = |s: &str| {
        if s.trim().is_empty() {
            "（未填写）".to_owned()
        } else {
            s.to_owned()
        }
    };
    let body = html! {
        @if compiled {
            p.meta { "更新日期：" time datetime=(crate::portal::pages::date(g.updated_ms)) { (crate::portal::pages::date(g.updated_ms)) } }
        } @else {
            p.notice { "本单位尚未编制公开指南，以下内容根据机构信息生成。" }
        }
        section.gk-guide aria-labelledby="g1" { h2 #g1 { "一、信息分类与编排体系" } p.pre { (g.classification) } }
        section.gk-guide aria-labelledby="g2" { h2 #g2 { "二、获取信息的方式" } p.pre { (g.obtaining) }
            p { "依申请公开：" a href=(a.column(Column::Requests)) { "在线提交申请" } }
        }
        section.gk-guide aria-labelledby="g3" {
            h2 #g3 { "三、政府信息公开工作机构" }
            dl.kv {
                dt { "名称" } dd { (or_none(&g.office_name)) }
                dt { "办公地址" } dd { (or_none(&g.address)) }
                dt { "办公时间" } dd { (or_none(&g.hours)) }
                dt { "联系电话" } dd { (or_none(&g.phone)) }
                dt { "传真号码" } dd { (or_none(&g.fax)) }
                dt { "互联网联系方式" } dd { (or_none(&g.online)) }
            }
        }
        @if !g.other.trim().is_empty() {
            section.gk-guide aria-labelledby="g4" { h2 #g4 { "四、监督和救济" } p.pre { (g.other) } }
        }
    };
    Ok(page_resp(page::render(
        &st,
        &ctx,
        &a,
        Column::Guide,
        "公开指南",
        body,
    )))
}

async fn unit_for(st: &Shared, s: &Staff, code: &str) -> Result<Unit> {
    let all = page::load_units(st).await?;
    let u = units::find(&all, code).cloned().ok_or(Error::NotFound)?;
    require(
        st,
        s,
        Action::HandleDisclosure,
        Object::Unit(&units::handling_path(&all, &u.code)),
    )
    .await?;
    Ok(u)
}

fn edit_view(st: &Shared, s: &Staff, u: &Unit, fs: &FormState, updated: Option<i64>) -> Markup {
    let action = format!("/admin/gk/guide/{}", u.code);
    let body = html! {
        p { a href="/admin/gk/" { "返回政务公开" } " "
            a href=(format!("{}guide", units_href(u))) { "查看公开的指南" } }
        @match updated {
            Some(ms) => p.meta { "上次更新：" (crate::clock::show(ms)) },
            None => p.notice { "尚未编制公开指南：下面是根据机构信息生成的初稿，保存后公开。" },
        }
        (notice(fs))
        form method="post" action=(action) novalidate {
            (csrf(&s.csrf))
            (textarea("classification", "信息分类与编排体系", true, 2000, 4, "", fs))
            (textarea("obtaining", "获取信息的方式", true, 2000, 4, "主动公开和依申请公开的途径", fs))
            (field(&Field::new("office_name", "工作机构名称"), fs))
            (field(&Field::new("head", "工作负责人").hint("政府信息公开工作机构负责人，不在网站上公开"), fs))
            (field(&Field::new("address", "办公地址"), fs))
            (field(&Field::new("hours", "办公时间"), fs))
            (field(&Field::new("phone", "联系电话").kind("tel"), fs))
            (field(&Field::new("fax", "传真号码").optional(), fs))
            (field(&Field::new("online", "互联网联系方式").optional().hint("电子邮箱或网址"), fs))
            (textarea("other", "监督和救济", false, 2000, 3, "", fs))
            button.primary type="submit" { "保存并公开" }
        }
    };
    render(st, s, &format!("{}公开指南", u.name), body)
}

fn units_href(u: &Unit) -> String {
    if u.parent.is_none() {
        "/gk/".into()
    } else {
        format!("/u/{}/gk/", u.code)
    }
}

fn values(g: &Guide) -> Vec<(String, String)> {
    [
        ("classification", &g.classification),
        ("obtaining", &g.obtaining),
        ("office_name", &g.office_name),
        ("head", &g.head),
        ("address", &g.address),
        ("hours", &g.hours),
        ("phone", &g.phone),
        ("fax", &g.fax),
        ("online", &g.online),
        ("other", &g.other),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect()
}

/// GET /admin/gk/guide/{code}
async fn page_edit(
    State(st): State<Shared>,
    s: Staff,
    Path(code): Path<String>,
) -> Result<Response> {
    let u = unit_for(&st, &s, &code).await?;
    let c = u.code.clone();
    let stored = st.store.read(move |txn| get(txn, &c)).await?;
    let updated = stored.as_ref().map(|g| g.updated_ms);
    let g = stored.unwrap_or_else(|| Guide::from_profile(&u));
    let fs = FormState {
        values: values(&g),
        ..Default::default()
    };
    Ok(page_resp(edit_view(&st, &s, &u, &fs, updated)))
}

/// POST /admin/gk/guide/{code}
async fn post_edit(
    State(st): State<Shared>,
    Path(code): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    let u = unit_for(&st, &s, &code).await?;
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let f = &p.fields;
    let now = st.now_ms();
    let g = Guide {
        classification: text(
            f,
            &mut fs,
            "classification",
            "信息分类与编排体系",
            2000,
            true,
        ),
        obtaining: text(f, &mut fs, "obtaining", "获取信息的方式", 2000, true),
        office_name: text(f, &mut fs, "office_name", "工作机构名称", 100, true),
        head: text(f, &mut fs, "head", "工作负责人", 40, true),
        address: text(f, &mut fs, "address", "办公地址", 200, true),
        hours: text(f, &mut fs, "hours", "办公时间", 100, true),
        phone: text(f, &mut fs, "phone", "联系电话", 40, true),
        fax: text(f, &mut fs, "fax", "传真号码", 40, false),
        online: text(f, &mut fs, "online", "互联网联系方式", 200, false),
        other: text(f, &mut fs, "other", "监督和救济", 2000, false),
        updated_ms: now,
        updated_by: s.user.username.clone(),
    };
    if fs.has_errors() {
        let c = u.code.clone();
        let updated = st
            .store
            .read(move |txn| get(txn, &c))
            .await?
            .map(|g| g.updated_ms);
        return Ok(html_invalid(edit_view(&st, &s, &u, &fs, updated)));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "gk_guide_save",
        format!("unit:{}", u.code),
        true,
        format!("更新{}公开指南", u.name),
    );
    let key = u.code.to_string();
    let saved = g.clone();
    st.store
        .write(move |txn| {
            put_json(txn, GK_GUIDES, &key, &g)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    let all = page::load_units(&st).await?;
    super::search::index(&st, &all, u.code.as_str(), &saved);
    Ok(see_other(&format!("/admin/gk/guide/{}", u.code)))
}
