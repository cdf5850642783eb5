//! 信件查询 (`/mailbox/lookup`): the 查询码 and password open the letter — its status, the
//! answering unit, the answer — and let the writer rate the answer. Wrong passwords are
//! throttled per address and per code. A right one opens the letter for 30 minutes on this
//! browser (a signed cookie for this path).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use super::due;
use super::flow::{public_label, state};
use super::model::{Letter, Satisfaction};
use super::page::{self, Column};
use super::settings::{self, Settings};
use super::{act, store};
use crate::auth::units::Units;
use crate::calendar::format_date_zh;
use crate::disclosure::fields::{radios, textarea};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page_resp, html_invalid, see_other};
use crate::portal::lookup_cookie::LookupCookie;
use crate::portal::public_guard::{self, Lookup, WRONG_WINDOW_MS};
use crate::views::form::{Field, FormState, csrf, field, notice};

pub const PATH: &str = "/mailbox/lookup";
const COOKIE: LookupCookie = LookupCookie {
    name: "mb_lookup",
    path: PATH,
};

fn form_view(st: &Shared, ctx: &Ctx, fs: &FormState) -> Markup {
    let body = html! {
        p { "请输入写信时获得的查询码和查询密码。" }
        (notice(fs))
        form.gk-lookup method="post" action=(PATH) novalidate {
            (csrf(ctx.csrf()))
            (field(&Field::new("code", "查询码").hint("如 XX-AB23-CD45-EF67，不区分大小写").autofocus(true), fs))
            (field(&Field::new("password", "查询密码").kind("password").autocomplete("off"), fs))
            button.primary type="submit" { "查询" }
        }
        p { a href="/mailbox/" { "写一封新的信" } }
    };
    page::render(st, ctx, Column::Lookup, Column::Lookup.label(), None, body)
}

/// The letter the cookie opens, and (for a merged letter) the one it was merged into.
async fn opened(st: &Shared, headers: &HeaderMap) -> Result<Option<(Letter, Option<Letter>)>> {
    let Some(id) = COOKIE.opened(headers, st.now_ms()) else {
        return Ok(None);
    };
    st.store
        .read(move |txn| {
            let Some(l) = store::get(txn, id)? else {
                return Ok(None);
            };
            let main = match l.merged_into {
                Some(m) => store::get(txn, m)?,
                None => None,
            };
            Ok(Some((l, main)))
        })
        .await
}

/// GET /mailbox/lookup
pub async fn page_lookup(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response> {
    match opened(&st, &headers).await? {
        Some((l, main)) => {
            let units = crate::disclosure::page::load_units(&st).await?;
            let s = st.store.read(settings::get).await?;
            Ok(page_resp(status_view(
                &st,
                &ctx,
                &units,
                &s,
                &l,
                main.as_ref(),
                &FormState::default(),
            )))
        }
        None => Ok(page_resp(form_view(&st, &ctx, &FormState::default()))),
    }
}

/// POST /mailbox/lookup
pub async fn post_lookup(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let code = public_guard::normalize_code(p.get("code"));
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
        return Ok(html_invalid(form_view(&st, &p.ctx, &fs)));
    }
    let now = st.now_ms();
    let client = crate::http::client::bucket(p.ctx.ip);
    let c2 = code.clone();
    let found = public_guard::open_with(
        &st,
        &st.mailbox_guard().guard,
        &client,
        &code,
        password,
        move |txn| store::by_tracking(txn, &c2),
        |r| r.password_hash.clone(),
    )
    .await?;
    let l = match found {
        Lookup::Open(r) => r,
        Lookup::Throttled => {
            fs.notice = Some(format!(
                "查询密码错误次数过多，请 {} 分钟后再试。",
                WRONG_WINDOW_MS / 60_000
            ));
            let mut r = html_invalid(form_view(&st, &p.ctx, &fs));
            *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            return Ok(r);
        }
        Lookup::Wrong => {
            fs.notice = Some("查询码或查询密码不正确。".into());
            return Ok(html_invalid(form_view(&st, &p.ctx, &fs)));
        }
    };
    let mut resp = see_other(PATH);
    COOKIE.open(&mut resp, l.id, now, p.ctx.secure_cookies)?;
    Ok(resp)
}

/// POST /mailbox/lookup/close
pub async fn post_close(p: Posted) -> Result<Response> {
    let _ = p;
    let mut resp = see_other(PATH);
    COOKIE.close(&mut resp)?;
    Ok(resp)
}

/// POST /mailbox/lookup/rate: the writer's rating of the answer.
pub async fn post_rate(
    State(st): State<Shared>,
    headers: HeaderMap,
    p: Posted,
) -> Result<Response> {
    let (l, main) = opened(&st, &headers).await?.ok_or(Error::NotFound)?;
    let mut fs = FormState {
        values: p.fields.clone(),
        ..Default::default()
    };
    let level = Satisfaction::parse(p.get("level"));
    if level.is_none() {
        fs.add_error("level", "请选择您对答复的评价");
    }
    let reason = crate::disclosure::fields::text(&p.fields, &mut fs, "reason", "理由", 500, false);
    if level == Some(Satisfaction::Unsatisfied) && reason.is_empty() {
        fs.add_error("reason", "选择“不满意”时，请写明不满意的理由");
    }
    let now = st.now_ms();
    let result = match level {
        Some(level) if !fs.has_errors() => act::rate(&st, l.id, level, reason, now, &p.ctx).await,
        _ => Ok(()),
    };
    if let Err(Error::Conflict(m)) = &result {
        fs.notice = Some(m.clone());
    } else {
        result?;
    }
    if fs.has_errors() || fs.notice.is_some() {
        let units = crate::disclosure::page::load_units(&st).await?;
        let s = st.store.read(settings::get).await?;
        return Ok(html_invalid(status_view(
            &st,
            &p.ctx,
            &units,
            &s,
            &l,
            main.as_ref(),
            &fs,
        )));
    }
    Ok(see_other(PATH))
}

fn answer_block(units: &Units, l: &Letter) -> Markup {
    html! {
        @if let (Some(a), Some(sent)) = (&l.answer, l.answered_on()) {
            section.mb-answer aria-labelledby="answer" {
                h2 #answer { "答复" }
                dl.kv {
                    dt { "答复单位" } dd { (units.name(&a.unit)) }
                    dt { "答复日期" } dd { (format_date_zh(sent)) }
                }
                div.pre { (a.text) }
            }
        }
    }
}

/// What the writer sees of their letter.
fn status_view(
    st: &Shared,
    ctx: &Ctx,
    units: &Units,
    s: &Settings,
    l: &Letter,
    main: Option<&Letter>,
    fs: &FormState,
) -> Markup {
    let cal = st.calendar();
    let now = st.now_ms();
    let body = html! {
        dl.kv.gk-status {
            dt { "信件编号" } dd { (l.number) }
            dt { "查询码" } dd { (super::submit::show_code(&l.tracking_code)) }
            dt { "信件类型" } dd { (l.subject.label()) }
            dt { "标题" } dd { (l.title) }
            dt { "提交时间" } dd { (crate::clock::show(l.submitted_ms)) }
            dt { "办理状态" } dd { strong { (public_label(&l.flow.state)) } }
            @if let Some(a) = &l.assignment { dt { "承办单位" } dd { (units.name(&a.unit)) } }
            @if let Some(d) = due::due(l, &cal) { dt { "答复期限" } dd { (format_date_zh(d)) } }
        }
        @if l.flow.state == state::NOT_ACCEPTED {
            p.notice { "您的信件未予受理。原因：" (l.not_accepted.as_deref().unwrap_or("")) }
        }
        @if let Some(m) = main {
            p.notice { "您的信件与内容相同的信件（编号 " (m.number) "）合并办理，答复如下。" }
            (answer_block(units, m))
        }
        (answer_block(units, l))
        @if l.flow.state == state::ANSWERED {
            section.mb-rate aria-labelledby="rate" {
                h2 #rate { "评价答复" }
                @if let Some(until) = due::rate_until(l, s, &cal) {
                    p { "请在 " strong { (format_date_zh(until)) } " 前评价。逾期未评价的，视为满意。" }
                }
                (notice(fs))
                form method="post" action="/mailbox/lookup/rate" novalidate {
                    (csrf(ctx.csrf()))
                    (radios("level", "您对答复是否满意", &Satisfaction::ALL.iter().map(|x| (x.id(), x.label())).collect::<Vec<_>>(), fs))
                    (textarea("reason", "理由", false, 500, 3, "选择“不满意”时必填", fs))
                    button.primary type="submit" { "提交评价" }
                }
            }
        }
        @if let Some(r) = &l.rating {
            section aria-labelledby="rated" {
                h2 #rated { "评价" }
                p {
                    (r.level.label())
                    @if r.deemed { "（" (format_date_zh(r.on)) "前未评价，视为满意）" }
                    @else { "（" (format_date_zh(r.on)) "评价）" }
                }
                @if !r.reason.is_empty() { p.pre { (r.reason) } }
            }
        }
        form method="post" action="/mailbox/lookup/close" {
            (csrf(ctx.csrf()))
            button type="submit" { "退出查询" }
        }
        p.hint { "查询页面 30 分钟内有效。当前时间：" (crate::clock::show(now)) }
    };
    page::render(st, ctx, Column::Lookup, "信件办理情况", None, body)
}
