//! The requester's side after sending (`/gk/lookup`): the 查询码 and query password open the
//! request's status, dates, any 补正 notice (answered here), the extension, and the reply
//! with its document. Wrong passwords are throttled per address and per code (`guard`). A
//! right one gives a signed, short-lived cookie for this path only, so the page can be
//! reloaded and the reply downloaded without sending the password again.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use super::due::{self, today};
use super::flow::{self as rflow, state};
use super::guard::show_code;
use super::model::DisclosureRequest;
use super::store;
use crate::auth::units::Units;
use crate::calendar::format_date_zh;
use crate::disclosure::page::{self, Area, AreaPath, Column};
use crate::disclosure::units;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::portal::lookup_cookie::LookupCookie;
use crate::portal::public_guard::{self, Lookup, WRONG_WINDOW_MS};
use crate::views::form::{Field, FormState, csrf, field, notice};

pub const PATH: &str = "/gk/lookup";
const COOKIE: LookupCookie = LookupCookie {
    name: "gk_lookup",
    path: PATH,
};

fn main_area(all: &Units) -> Result<Area> {
    page::area(all, &AreaPath { code: None })
}

fn form_view(st: &Shared, ctx: &Ctx, a: &Area, fs: &FormState) -> Markup {
    let body = html! {
        p { "请输入提交申请时获得的查询码和查询密码。" }
        (notice(fs))
        form.gk-lookup method="post" action=(PATH) novalidate {
            (csrf(ctx.csrf()))
            (field(&Field::new("code", "查询码").hint("如 GK-AB23-CD45-EF67，不区分大小写").autofocus(true), fs))
            (field(&Field::new("password", "查询密码").kind("password").autocomplete("off"), fs))
            button.primary type="submit" { "查询" }
        }
        p { a href=(a.column(Column::Requests)) { "提出新的申请" } }
    };
    page::render(st, ctx, a, Column::Requests, "申请查询", body)
}

/// The request the cookie opens, if any.
async fn opened(st: &Shared, headers: &HeaderMap) -> Result<Option<DisclosureRequest>> {
    let Some(id) = COOKIE.opened(headers, st.now_ms()) else {
        return Ok(None);
    };
    st.store.read(move |txn| store::get(txn, id)).await
}

/// GET /gk/lookup
pub async fn page_lookup(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = main_area(&all)?;
    match opened(&st, &headers).await? {
        Some(r) => Ok(page_resp(status_view(
            &st,
            &ctx,
            &a,
            &all,
            &r,
            &FormState::default(),
        ))),
        None => Ok(page_resp(form_view(&st, &ctx, &a, &FormState::default()))),
    }
}

/// POST /gk/lookup
pub async fn post_lookup(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = main_area(&all)?;
    let code = store::normalize_code(p.get("code"));
    let password = p.get("password").to_owned();
    let mut fs = FormState {
        values: vec![("code".into(), p.get("code").to_owned())],
        ..Default::default()
    };
    if code.is_empty() {
        fs.add_error("code", "请填写查询码");
    }
    if password.is_empty() {
        fs.add_error("password", "请填写查询密码");
    }
    if fs.has_errors() {
        return Ok(html_invalid(form_view(&st, &p.ctx, &a, &fs)));
    }
    let now = st.now_ms();
    let client = crate::http::client::bucket(p.ctx.ip);
    let c2 = code.clone();
    let found = public_guard::open_with(
        &st,
        st.disclosure_guard(),
        &client,
        &code,
        password,
        move |txn| store::by_tracking(txn, &c2),
        |r| r.password_hash.clone(),
    )
    .await?;
    let r = match found {
        Lookup::Open(r) => r,
        Lookup::Throttled => {
            fs.notice = Some(format!(
                "查询密码错误次数过多，请 {} 分钟后再试。",
                WRONG_WINDOW_MS / 60_000
            ));
            let mut r = html_invalid(form_view(&st, &p.ctx, &a, &fs));
            *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            return Ok(r);
        }
        Lookup::Wrong => {
            fs.notice = Some("查询码或查询密码不正确。".into());
            return Ok(html_invalid(form_view(&st, &p.ctx, &a, &fs)));
        }
    };
    let mut resp = see_other(PATH);
    COOKIE.open(&mut resp, r.id, now, p.ctx.secure_cookies)?;
    Ok(resp)
}

/// POST /gk/lookup/close: forgets the open lookup on this browser.
pub async fn post_close(p: Posted) -> Result<Response> {
    let _ = p;
    let mut resp = see_other(PATH);
    COOKIE.close(&mut resp)?;
    Ok(resp)
}

/// GET /gk/lookup/reply: the reply document, to the requester whose lookup is open.
pub async fn reply_file(State(st): State<Shared>, headers: HeaderMap) -> Result<Response> {
    let r = opened(&st, &headers).await?.ok_or(Error::NotFound)?;
    let doc = r
        .reply
        .as_ref()
        .and_then(|x| x.document.clone())
        .ok_or(Error::NotFound)?;
    crate::intranet::files::download::serve(&st, &headers, &doc.sha, &doc.name, doc.size).await
}

/// POST /gk/lookup/supplement: the requester's 补正.
pub async fn post_supplement(
    State(st): State<Shared>,
    headers: HeaderMap,
    p: Posted,
) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = main_area(&all)?;
    let r = opened(&st, &headers).await?.ok_or(Error::NotFound)?;
    let mut fs = FormState {
        values: p.fields.clone(),
        ..Default::default()
    };
    let text =
        crate::disclosure::fields::text(&p.fields, &mut fs, "supplement", "补正内容", 2000, true);
    if fs.has_errors() {
        return Ok(html_invalid(status_view(&st, &p.ctx, &a, &all, &r, &fs)));
    }
    let now = st.now_ms();
    let result = super::act::supplement(&st, r.id, None, text, None, now, &p.ctx).await;
    match result {
        Ok(()) => Ok(see_other(PATH)),
        Err(Error::Conflict(m)) => {
            fs.add_error("supplement", m);
            Ok(html_invalid(status_view(&st, &p.ctx, &a, &all, &r, &fs)))
        }
        Err(e) => Err(e),
    }
}

/// What the requester sees of their request.
fn status_view(
    st: &Shared,
    ctx: &Ctx,
    a: &Area,
    all: &Units,
    r: &DisclosureRequest,
    fs: &FormState,
) -> Markup {
    let cal = st.calendar();
    let def = rflow::definition();
    let now = st.now_ms();
    let d = due::due(r, &cal);
    let unit_area = units::area_href(all, &r.unit);
    let body = html! {
        dl.kv.gk-status {
            dt { "查询码" } dd { (show_code(&r.tracking_code)) }
            dt { "受理机关" } dd { a href=(unit_area) { (all.name(&r.unit)) } }
            dt { "办理状态" } dd { strong { (def.state_label(&r.flow.state)) } }
            dt { "提交时间" } dd { (crate::clock::show(r.submitted_ms)) }
            dt { "收到日期" } dd { @match r.received_on { Some(x) => (format_date_zh(x)), None => "待工作人员确认" } }
            @if matches!(r.flow.state.as_str(), state::PROCESSING | state::CONSULTING) {
                dt { "答复期限" } dd { (d.label()) }
            }
            @if let Some(c) = r.closed_on { dt { "办结日期" } dd { (format_date_zh(c)) } }
        }
        @if r.flow.state == state::VOID {
            p.notice { "此申请未予登记。" @if let Some(s) = r.flow.last_step_of(rflow::action::VOID) { "原因：" (s.comment) } }
        }
        @if let Some(c) = &r.correction {
            section.gk-correction aria-labelledby="corr" {
                h2 #corr { "补正告知" }
                p { (format_date_zh(c.issued_on)) "告知：" }
                p.pre { (c.items) }
                @if let Some(s) = c.supplemented_on {
                    p { "您已于" (format_date_zh(s)) "提交补正。" }
                } @else if r.flow.state == state::CORRECTING {
                    p { "请在" strong { (format_date_zh(c.due)) } "前提交补正；逾期未补正的，视为放弃申请。" }
                    (notice(fs))
                    form method="post" action="/gk/lookup/supplement" novalidate {
                        (csrf(ctx.csrf()))
                        (crate::disclosure::fields::textarea("supplement", "补正内容", true, 2000, 5, "按告知逐项补充说明", fs))
                        button.primary type="submit" { "提交补正" }
                    }
                }
            }
        }
        @if let Some(e) = &r.extension {
            section aria-labelledby="ext" {
                h2 #ext { "延期答复告知" }
                p { "经负责人同意，答复期限延长" (e.workdays) "个工作日。理由：" (e.reason) }
            }
        }
        @if r.flow.state == state::CONSULTING {
            p.notice { "本申请正在征求意见，征求意见期间不计入答复期限。" }
        }
        @if let Some(rep) = &r.reply {
            section.gk-reply aria-labelledby="rep" {
                h2 #rep { "答复" }
                dl.kv {
                    dt { "答复日期" } dd { (format_date_zh(rep.on)) }
                    dt { "处理结果" } dd { (rep.outcome.full_label()) }
                    @if !rep.reason.is_empty() { dt { "说明" } dd.pre { (rep.reason) } }
                    @if let Some(doc) = &rep.document {
                        dt { "答复书" } dd { a href="/gk/lookup/reply" download=(doc.name) { "下载答复书：" (doc.name) } }
                    }
                }
                p.hint { "对答复不服的，可以依法申请行政复议或者提起行政诉讼。" }
            }
        }
        @if r.flow.state == state::CLOSED {
            p.notice { "因逾期未补正，本申请已终止办理。" }
        }
        @if matches!(r.flow.state.as_str(), state::PROCESSING | state::CONSULTING) {
            details.gk-explain {
                summary { "答复期限是怎样计算的" }
                ul { @for l in due::explain(r, &cal) { li { (l) } } }
            }
        }
        form method="post" action="/gk/lookup/close" {
            (csrf(ctx.csrf()))
            button type="submit" { "退出查询" }
        }
        p.hint { "查询页面 30 分钟内有效。当前时间：" (crate::clock::show(now)) "（" (format_date_zh(today(now))) "）" }
    };
    page::render(st, ctx, a, Column::Requests, "申请查询", body)
}
