//! 我要写信 (`/mailbox/`): the public form and what the writer is given once — the 信件编号,
//! the 查询码 and a query password. The form asks for nothing a letter does not need, says
//! plainly who sees the name and phone (never the public), and is kept from floods by the
//! office's limits (per address, per phone), a honeypot and a proof of work (`pow`).

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::fields::{counted, read_counted, value};
use super::model::{Subject, Writer, valid_mobile};
use super::page::{self, Column};
use super::pow::{self, Refused};
use super::settings::{self, Settings};
use super::submit::{self, New};
use crate::disclosure::fields::{radios, text};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Ctx;
use crate::http::respond::{html as page_resp, html_invalid};
use crate::portal::public_form::{self, Limits};
use crate::views::form::{Field, FormState, csrf, field, notice};

/// The honeypot: hidden from people and screen readers, filled only by robots.
const HONEYPOT: &str = "website";

#[derive(Deserialize, Default)]
pub struct WriteQuery {
    #[serde(default)]
    pub project: Option<String>,
}

fn privacy() -> Markup {
    html! {
        section.mb-privacy aria-labelledby="privacy" {
            h2 #privacy { "个人信息说明" }
            p { "您的姓名、手机号码和电子邮箱只有区长信箱工作人员和承办单位的办理人员能看到，仅用于办理信件和与您联系，"
                strong { "任何情况下都不会公开" } "。" }
            p { "选择“同意公开”的，经工作人员审核后，信件标题、内容和答复可以在“信件选登”中公开，姓名只显示姓氏（如“张*”），联系方式不公开，内容中的电话、证件号码等也会隐去。" }
        }
    }
}

fn intro(s: &Settings) -> Markup {
    html! {
        section.mb-howto aria-labelledby="howto" {
            h2 #howto { "写信须知" }
            ol {
                li { "区长信箱受理对本区工作的咨询、建议、投诉和求助。涉及诉讼、仲裁、行政复议的事项，以及信访事项，请按法定途径反映。" }
                li { "信件受理后转有关单位办理，一般在 " (s.workdays_for(Subject::Consult)) " 个工作日内答复。" }
                li { "提交后会显示查询码和查询密码，凭其查询办理进度、查看答复并评价。答复后 " (s.rate_workdays) " 个工作日内未评价的，视为满意。" }
            }
        }
    }
}

pub fn form_view(
    st: &Shared,
    ctx: &Ctx,
    s: &Settings,
    project: Option<(u64, String)>,
    fs: &FormState,
) -> Markup {
    let subjects: Vec<(&str, &str)> = Subject::ALL.iter().map(|k| (k.id(), k.label())).collect();
    let now = st.now_ms();
    let body = html! {
        (intro(s))
        (privacy())
        section aria-labelledby="form-title" {
            h2 #form-title { "填写信件" }
            (notice(fs))
            form.mb-write method="post" action="/mailbox/" enctype="multipart/form-data" novalidate
                data-pow-bits=(s.pow_bits) {
                (csrf(ctx.csrf()))
                input type="hidden" name="pow_challenge" value=(pow::challenge(now));
                input type="hidden" name="pow_nonce" value="";
                @if let Some((id, title)) = &project {
                    input type="hidden" name="project" value=(id);
                    p.mb-project { "关于百件实事项目：" a href=(format!("/projects/{id}")) { (title) } }
                }
                fieldset.group {
                    legend { "写信人" }
                    (field(&Field::new("name", "姓名").autocomplete("name"), fs))
                    (field(&Field::new("phone", "手机号码").kind("tel").autocomplete("tel").hint("11 位手机号码，用于办理人员与您联系"), fs))
                    (field(&Field::new("email", "电子邮箱").kind("email").autocomplete("email").optional(), fs))
                }
                fieldset.group {
                    legend { "信件内容" }
                    (radios("subject", "信件类型", &subjects, fs))
                    (counted("title", "标题", (s.title_min, s.title_max), 0, "概括反映的事项", fs))
                    (counted("content", "内容", (s.content_min, s.content_max), 8, "写明事情的时间、地点、经过和诉求", fs))
                    div.field.has-error[fs.error("files").is_some()] {
                        label for="f-files" { "附件" }
                        p.hint #f-files-hint { "可选。图片或 PDF，每个不超过 " (s.max_file_mib) " MB，最多 " (s.max_files) " 个。" }
                        @if let Some(e) = fs.error("files") { p.error #f-files-err role="alert" { (e) } }
                        input #f-files type="file" name="files" multiple accept="image/*,application/pdf"
                            aria-describedby=(if fs.error("files").is_some() { "f-files-err f-files-hint" } else { "f-files-hint" });
                    }
                    (radios("publish", "是否同意公开", &[("yes", "同意公开（隐去个人信息）"), ("no", "不同意公开")], fs))
                }
                div.mb-hp hidden {
                    label for="f-website" { "网址（请勿填写）" }
                    input #f-website type="text" name=(HONEYPOT) value="" tabindex="-1" autocomplete="off";
                }
                p.hint #pow-status aria-live="polite" {
                    "提交前需要完成一次自动安全验证（无需操作）。浏览器未启用脚本时，请在打开本页 " (s.wait_seconds) " 秒后再提交。"
                }
                button.primary type="submit" { "提交信件" }
            }
        }
        p { a href="/mailbox/lookup" { "已写过信？凭查询码查询办理进度" } }
        script src=(st.assets.url("js/mailbox.js")) defer {}
    };
    page::render(st, ctx, Column::Write, Column::Write.label(), None, body)
}

/// The project a letter is about, from the `project` parameter, when it names one.
async fn project_of(st: &Shared, raw: Option<&str>) -> Result<Option<(u64, String)>> {
    let Some(id) = raw.and_then(|r| r.trim().parse::<u64>().ok()) else {
        return Ok(None);
    };
    super::projects::title(st, id).await
}

/// GET /mailbox/
pub async fn page_write(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<WriteQuery>,
) -> Result<Response> {
    let s = st.store.read(settings::get).await?;
    let project = project_of(&st, q.project.as_deref()).await?;
    let mut r = page_resp(form_view(&st, &ctx, &s, project, &FormState::default()));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// POST /mailbox/
pub async fn post_write(State(st): State<Shared>, req: Request) -> Result<Response> {
    let s = st.store.read(settings::get).await?;
    let limits = Limits {
        max_file: usize::try_from(s.max_file_mib).unwrap_or(5) * 1024 * 1024,
        max_files: usize::try_from(s.max_files).unwrap_or(3),
    };
    let up = public_form::read(req, &st, limits).await?;
    let ctx = up.ctx.clone();
    let f = &up.fields;
    let mut fs = FormState {
        values: f
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "pow_challenge" | "pow_nonce"))
            .cloned()
            .collect(),
        ..Default::default()
    };
    let project = project_of(&st, Some(value(f, "project"))).await?;
    if !value(f, HONEYPOT).is_empty() {
        fs.notice = Some("提交未成功，请刷新页面后重新填写。".into());
        return Ok(html_invalid(form_view(&st, &ctx, &s, project, &fs)));
    }
    let name = text(f, &mut fs, "name", "姓名", 20, true);
    let phone: String = value(f, "phone")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if phone.is_empty() {
        fs.add_error("phone", "请填写手机号码");
    } else if !valid_mobile(&phone) {
        fs.add_error("phone", "手机号码应为以 1 开头的 11 位数字");
    }
    let email = text(f, &mut fs, "email", "电子邮箱", 80, false);
    if !email.is_empty() && !email.contains('@') {
        fs.add_error("email", "电子邮箱格式不正确，如 name@example.com");
    }
    let subject = Subject::parse(value(f, "subject"));
    if subject.is_none() {
        fs.add_error("subject", "请选择信件类型");
    }
    let title = read_counted(f, &mut fs, "title", "标题", (s.title_min, s.title_max));
    let content = read_counted(
        f,
        &mut fs,
        "content",
        "内容",
        (s.content_min, s.content_max),
    );
    let publish = match value(f, "publish") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            fs.add_error("publish", "请选择是否同意公开");
            None
        }
    };
    if !up.refused.is_empty() {
        fs.add_error("files", up.refused.join("；"));
    } else if fs.has_errors() && !up.files.is_empty() {
        fs.add_error("files", "所选文件未保存，请改正其他内容后重新选择。");
    }
    let (Some(subject), Some(publish), false) = (subject, publish, fs.has_errors()) else {
        return Ok(html_invalid(form_view(&st, &ctx, &s, project, &fs)));
    };
    let now = st.now_ms();
    let g = st.mailbox_guard();
    match g.check(
        value(f, "pow_challenge"),
        value(f, "pow_nonce"),
        s.pow_bits,
        s.wait_seconds,
        now,
    ) {
        Ok(()) => {}
        Err(Refused::Wait(n)) => {
            fs.notice = Some(format!(
                "安全验证尚未完成：请在 {n} 秒后再次点击“提交信件”。"
            ));
            if !up.files.is_empty() {
                fs.add_error("files", "所选文件未保存，请重新选择。");
            }
            return Ok(html_invalid(form_view(&st, &ctx, &s, project, &fs)));
        }
        Err(Refused::Stale) => {
            fs.notice = Some("页面已过期或已提交过，请检查内容后重新提交。".into());
            return Ok(html_invalid(form_view(&st, &ctx, &s, project, &fs)));
        }
    }
    let client = crate::http::client::bucket(ctx.ip);
    if !g.guard.submit_allowed(
        &format!("ip/{client}"),
        now,
        3_600_000,
        u64::from(s.per_ip_hour),
    ) {
        fs.notice = Some("本网络地址一小时内提交的信件过多，请稍后再试。".into());
        return Ok(too_many(html_invalid(form_view(
            &st, &ctx, &s, project, &fs,
        ))));
    }
    if !g.guard.submit_allowed(
        &format!("phone/{phone}"),
        now,
        24 * 3_600_000,
        u64::from(s.per_phone_day),
    ) {
        fs.add_error(
            "phone",
            "这个手机号码今天提交的信件已达上限，请明天再写，或凭查询码查看已写信件的办理情况。",
        );
        return Ok(too_many(html_invalid(form_view(
            &st, &ctx, &s, project, &fs,
        ))));
    }
    let attachments = public_form::commit(&st, up.files).await?;
    let password = crate::portal::public_guard::password();
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::password::hash(&pw)).await??;
    let n = New {
        writer: Writer { name, phone, email },
        subject,
        title,
        content,
        attachments,
        publish_agreed: publish,
        project: project.map(|(id, _)| id),
        ip: ctx.ip_string(),
    };
    let units = crate::disclosure::page::load_units(&st).await?;
    let issued = st
        .store
        .write(move |txn| submit::store_new(txn, n, &units, hash, password, now))
        .await?;
    let body = html! {
        div.notice.success role="status" {
            p { "您的信件已提交，信件编号 " strong { (issued.number) } "。工作人员受理后将转有关单位办理。" }
        }
        section.gk-issued aria-labelledby="keep" {
            h2 #keep { "请保存查询码和查询密码" }
            p { "查询密码只显示这一次，不能找回。" }
            dl.kv {
                dt { "查询码" } dd { code.big { (submit::show_code(&issued.tracking_code)) } }
                dt { "查询密码" } dd { code.big { (issued.password) } }
            }
            p { a href="/mailbox/lookup" { "查询办理进度" } }
        }
    };
    let mut r = page_resp(page::render(
        &st,
        &ctx,
        Column::Write,
        "信件已提交",
        None,
        body,
    ));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

fn too_many(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
    r
}
