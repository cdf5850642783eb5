//! 依申请公开 on the portal: how to ask, and the online form (`{area}apply`). A request sent
//! here waits for staff to confirm it (the day of confirmation is its day of receipt,
//! 第三十一条); the requester is given a 查询码 and a query password once, on screen.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};

use super::form;
use super::model::Channel;
use super::submit::{self, New};
use crate::auth::units::Units;
use crate::disclosure::page::{self, Area, AreaPath, Column};
use crate::disclosure::units;
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page_resp, html_invalid};
use crate::portal::public_form::{self as received, Limits};
use crate::views::form::{FormState, csrf, notice, select};

/// One proof file at most this size.
pub const MAX_PROOF: usize = 5 * 1024 * 1024;
/// At most this many files in one form.
pub const MAX_FILES: usize = 3;
const LIMITS: Limits = Limits {
    max_file: MAX_PROOF,
    max_files: MAX_FILES,
};

fn intro(a: &Area) -> Markup {
    html! {
        section.gk-howto aria-labelledby="howto" {
            h2 #howto { "申请须知" }
            ol {
                li { "公民、法人或者其他组织可以向" (a.unit.name) "申请获取政府信息。申请应写明申请人的姓名或名称、身份证明、联系方式，所需信息的名称、文号或便于查询的特征性描述，以及获取信息的方式。" }
                li { "网上提交的申请，以工作人员确认收到之日为收到申请之日。能够当场答复的当场答复；不能当场答复的，自收到申请之日起 20 个工作日内答复；需要延长的，经负责人同意并告知申请人，延长期限不超过 20 个工作日。征求第三方或其他机关意见所需时间不计算在内。" }
                li { "申请内容不明确的，将在收到申请之日起 7 个工作日内一次性告知补正；补正后答复期限重新计算，无正当理由逾期不补正的视为放弃申请。" }
                li { "提交后页面会显示查询码和查询密码，请妥善保存，凭其查询办理进度和答复。" }
            }
            p.hint { "您填写的个人信息仅用于办理本申请，只有办理人员可以查看，不会公开。" }
        }
    }
}

fn form_view(st: &Shared, ctx: &Ctx, a: &Area, all: &Units, fs: &FormState) -> Markup {
    let choices: Vec<(String, String)> = units::obligated(all)
        .into_iter()
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect();
    let mut fs = fs.clone();
    if fs.value("unit").is_empty() {
        fs.values.push(("unit".into(), a.unit.code.to_string()));
    }
    let body = html! {
        (intro(a))
        section aria-labelledby="form-title" {
            h2 #form-title { "在线申请" }
            (notice(&fs))
            form.gk-apply method="post" action=(a.column(Column::Requests)) enctype="multipart/form-data" novalidate {
                (csrf(ctx.csrf()))
                @if a.is_root {
                    (select("unit", "受理机关", &choices, &fs))
                } @else {
                    input type="hidden" name="unit" value=(a.unit.code);
                    p { "受理机关：" strong { (a.unit.name) } }
                }
                (form::fields(&fs))
                div.field.has-error[fs.error("proof").is_some()] {
                    label for="f-proof" { "身份证明" span.req aria-hidden="true" { " *" } }
                    p.hint #f-proof-hint { "身份证件或营业执照等的照片或扫描件，图片或 PDF，每个不超过 " (MAX_PROOF / (1024 * 1024)) " MB，最多 " (MAX_FILES) " 个。" }
                    @if let Some(e) = fs.error("proof") { p.error #f-proof-err role="alert" { (e) } }
                    input #f-proof type="file" name="proof" multiple accept="image/*,application/pdf"
                        aria-describedby=(if fs.error("proof").is_some() { "f-proof-err f-proof-hint" } else { "f-proof-hint" });
                }
                button.primary type="submit" { "提交申请" }
            }
        }
        p { a href="/gk/lookup" { "已提交申请？凭查询码查询办理进度" } }
    };
    page::render(st, ctx, a, Column::Requests, "依申请公开", body)
}

/// GET {area}apply
pub async fn form_page(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(p): Path<AreaPath>,
) -> Result<Response> {
    let all = page::load_units(&st).await?;
    let a = page::area(&all, &p)?;
    Ok(page_resp(form_view(
        &st,
        &ctx,
        &a,
        &all,
        &FormState::default(),
    )))
}

/// GET /gk/apply (no path parameters)
pub async fn form_page_main(st: State<Shared>, ctx: Ctx) -> Result<Response> {
    form_page(st, ctx, Path(AreaPath { code: None })).await
}

/// POST /gk/apply
pub async fn submit_main(st: State<Shared>, req: Request) -> Result<Response> {
    submit_in(st, AreaPath { code: None }, req).await
}

/// POST /u/{code}/gk/apply
pub async fn submit_sub(
    st: State<Shared>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response> {
    submit_in(st, AreaPath { code: Some(code) }, req).await
}

async fn submit_in(State(st): State<Shared>, p: AreaPath, req: Request) -> Result<Response> {
    // The token first, as on every form; then which area it was sent to.
    let up = received::read(req, &st, LIMITS).await?;
    let all = page::load_units(&st).await?;
    let a = page::area(&all, &p)?;
    let ctx = up.ctx.clone();
    let mut fs = FormState {
        values: up
            .fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect(),
        ..Default::default()
    };
    let unit_code = up
        .fields
        .iter()
        .find(|(k, _)| k == "unit")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let unit = match units::find(&all, &unit_code) {
        Some(u) if a.is_root || u.code == a.unit.code => Some(u.code.clone()),
        _ => {
            fs.add_error("unit", "请选择受理机关");
            None
        }
    };
    let parsed = form::read(&up.fields, &mut fs);
    if !up.refused.is_empty() {
        fs.add_error("proof", up.refused.join("；"));
    } else if up.files.is_empty() {
        fs.add_error("proof", "请上传身份证明（证件照片或扫描件）");
    } else if fs.has_errors() {
        fs.add_error("proof", "所选文件未保存，请改正其他内容后重新选择。");
    }
    let (Some(unit), Some((mut applicant, wanted, delivery)), false) =
        (unit, parsed, fs.has_errors())
    else {
        return Ok(html_invalid(form_view(&st, &ctx, &a, &all, &fs)));
    };
    let now = st.now_ms();
    let client = crate::http::client::bucket(ctx.ip);
    if !super::guard::submit_allowed(st.disclosure_guard(), &client, now) {
        fs.notice =
            Some("本网络地址一小时内提交的申请过多，请稍后再试，或到受理机关当面申请。".into());
        return Ok(html_invalid(form_view(&st, &ctx, &a, &all, &fs)));
    }
    applicant.proof = received::commit(&st, up.files).await?;
    let password = super::guard::password();
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::password::hash(&pw)).await??;
    let n = New {
        unit,
        channel: Channel::Online,
        applicant,
        wanted,
        delivery,
        received_on: None,
        registered_by: None,
        ip: ctx.ip_string(),
    };
    let issued = st
        .store
        .write(move |txn| submit::store_new(txn, n, &all, hash, password, now))
        .await?;
    let body = html! {
        div.notice.success role="status" {
            p { "您的申请已提交。工作人员确认收到后开始计算答复期限。" }
        }
        section.gk-issued aria-labelledby="keep" {
            h2 #keep { "请保存查询码和查询密码" }
            p { "查询密码只显示这一次，不能找回。" }
            dl.kv {
                dt { "查询码" } dd { code.big { (super::guard::show_code(&issued.tracking_code)) } }
                dt { "查询密码" } dd { code.big { (issued.password) } }
            }
            p { a href="/gk/lookup" { "查询办理进度" } }
        }
    };
    let mut r = page_resp(page::render(
        &st,
        &ctx,
        &a,
        Column::Requests,
        "申请已提交",
        body,
    ));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
