//! Using a link, without a session, from inside: `GET /oa/s/{token}` shows the file (or the
//! collect form), a password form first when the link has one (`POST /oa/s/{token}`, the
//! anonymous CSRF token; wrong tries limited per link, `model::WRONG_MAX`), and
//! `GET /oa/s/{token}/file` sends the file through `files::download` (ranges work). Only a
//! download that starts at byte 0 counts: it is checked against the limit and counted in
//! one write transaction with its record (when, from where), its audit record
//! (`oa_share_download`) and, the first time, a notice to the maker; a ranged request that
//! continues a download is served while the link lives, and after the last allowed
//! download only to the address that made it, for a day. An unknown token is 404; an
//! expired, revoked or used-up link, or one whose file is gone, is 410.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::access::{self, Found};
use super::model::{Hit, MAX_LOG, State as LinkState, What};
use super::store;
use crate::auth::audit::{self, Event, Outcome};
use crate::auth::password;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted};
use crate::http::respond::{html as page, see_other};
use crate::intranet::files::download;
use crate::intranet::files::quota::size_text;
use crate::notify::store::{NewNotice, NoticeKind};
use crate::views::form::{self, Field, FormState};
use crate::views::{PageMeta, public_page};

/// Who a visitor is in the audit log.
pub const VISITOR: &str = "访客（分享链接）";

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    #[serde(default)]
    done: String,
}

/// A public page (no staff frame: the visitor may have no account).
pub fn frame(st: &Shared, ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let meta = PageMeta {
        title: title.into(),
        column: "文件分享".into(),
        care: ctx.care,
        ..Default::default()
    };
    let body = html! {
        section.card.narrow {
            h1 { (title) }
            (body)
        }
    };
    public_page(&st.site(), &meta, body)
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut r = page(m);
    *r.status_mut() = status;
    r
}

/// 410 with what became of the link.
pub fn gone(st: &Shared, ctx: &Ctx, state: LinkState) -> Response {
    let body = html! { p.notice.warn role="status" { (state.message()) } };
    with_status(frame(st, ctx, "分享链接已失效", body), StatusCode::GONE)
}

/// The password form.
fn password_view(st: &Shared, ctx: &Ctx, token: &str, fs: &FormState) -> Markup {
    let body = html! {
        p { "此链接需要密码。请输入分享人告诉您的密码。" }
        (form::notice(fs))
        form method="post" action=(super::link_path(token)) novalidate {
            (form::csrf(ctx.csrf()))
            (form::field(&Field::new("password", "访问密码").kind("password").autocomplete("off").autofocus(true), fs))
            button.primary type="submit" { "确定" }
        }
    };
    frame(st, ctx, "输入访问密码", body)
}

/// The link's page once open: the file, or the collect form (with `fs`'s errors).
pub fn open_view(
    st: &Shared,
    ctx: &Ctx,
    token: &str,
    f: &Found,
    fs: &FormState,
    done: &str,
) -> Markup {
    let sh = &f.share;
    let expires = crate::clock::show(sh.expires_ms);
    match (&sh.what, &f.file) {
        (
            What::Collect {
                max_uploads,
                max_file_bytes,
            },
            _,
        ) => {
            let err = fs.error("file");
            let left = max_uploads.saturating_sub(sh.uploads);
            let hint = format!(
                "单个文件不超过 {}；此链接还可接收 {left} 个文件，有效至 {expires}。",
                size_text(*max_file_bytes)
            );
            let body = html! {
                @if done == "upload" { div.notice.ok role="status" { "文件已上传，谢谢。" } }
                (form::notice(fs))
                p { "请通过下面的表单把文件上传给分享人。严禁上传涉密信息。" }
                @if !sh.note.is_empty() { p { "分享人留言：" (sh.note) } }
                form method="post" action=(format!("{}/upload", super::link_path(token)))
                    enctype="multipart/form-data" novalidate {
                    (form::csrf(ctx.csrf()))
                    (form::field(&Field::new("sender", "您的姓名或单位").optional().autocomplete("organization")
                        .hint("选填，便于分享人知道文件来自谁。"), fs))
                    div.field.has-error[err.is_some()] {
                        label for="f-file" { "选择文件" }
                        p.hint #f-file-hint { (hint) }
                        @if let Some(e) = err { p.error #f-file-err role="alert" { (e) } }
                        input #f-file type="file" name="file"
                            aria-invalid=[err.map(|_| "true")]
                            aria-describedby=(if err.is_some() { "f-file-err f-file-hint" } else { "f-file-hint" });
                    }
                    button.primary type="submit" { "上传文件" }
                }
            };
            frame(st, ctx, "收集文件", body)
        }
        (What::File { .. }, Some(file)) => {
            let body = html! {
                dl.kv.facts {
                    dt { "文件名" } dd { (file.name) }
                    dt { "大小" } dd { (size_text(file.size)) }
                    dt { "类型" } dd { (file.kind) }
                    dt { "链接有效至" } dd { (expires) }
                    @if let Some(m) = sh.max_downloads {
                        dt { "剩余下载次数" } dd { (m.saturating_sub(sh.downloads)) }
                    }
                }
                @if !sh.note.is_empty() { p { "分享人留言：" (sh.note) } }
                p { a.button.primary href=(format!("{}/file", super::link_path(token))) download { "下载 " (file.name) } }
                p.hint { "下载中断后可续传，续传不重复计数。" }
            };
            frame(st, ctx, "文件分享", body)
        }
        (What::File { .. }, None) => frame(
            st,
            ctx,
            "分享链接已失效",
            html! { p { (LinkState::FileGone.message()) } },
        ),
    }
}

/// The link or why not: 404 unknown, 410 no longer usable.
pub async fn live(st: &Shared, ctx: &Ctx, token: &str) -> Result<Result<Found, Response>> {
    let f = access::find(st, token).await?.ok_or(Error::NotFound)?;
    if f.state != LinkState::Live {
        return Ok(Err(gone(st, ctx, f.state)));
    }
    Ok(Ok(f))
}

/// GET /oa/s/{token}
pub async fn page_link(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Result<Response> {
    let f = match live(&st, &ctx, &token).await? {
        Ok(f) => f,
        Err(r) => return Ok(r),
    };
    if !f.open_to(&headers, st.now_ms()) {
        return Ok(page(password_view(
            &st,
            &ctx,
            &token,
            &FormState::default(),
        )));
    }
    Ok(page(open_view(
        &st,
        &ctx,
        &token,
        &f,
        &FormState::default(),
        &q.done,
    )))
}

/// POST /oa/s/{token}: the password.
pub async fn unlock(
    State(st): State<Shared>,
    Path(token): Path<String>,
    p: Posted,
) -> Result<Response> {
    let ctx = &p.ctx;
    let f = match live(&st, ctx, &token).await? {
        Ok(f) => f,
        Err(r) => return Ok(r),
    };
    let Some(phc) = f.share.password.clone() else {
        return Ok(see_other(&super::link_path(&token)));
    };
    let now = st.now_ms();
    let mut fs = FormState::default();
    if let Some(until) = f.share.locked_until(now) {
        let minutes = (until - now + 59_999) / 60_000;
        fs.add_error(
            "password",
            format!("密码错误次数过多，请 {minutes} 分钟后再试"),
        );
        return Ok(with_status(
            password_view(&st, ctx, &token, &fs),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let given = p.get("password").to_owned();
    if !given.is_empty() && password::verify_async(given, phc).await? {
        let mut r = see_other(&super::link_path(&token));
        let c = access::unlock_cookie(&token, now, ctx.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        return Ok(r);
    }
    let (hash, ip) = (f.hash.clone(), ctx.ip_string());
    st.store
        .write(move |txn| {
            let Some(mut sh) = store::get_w(txn, &hash)? else {
                return Ok(());
            };
            sh.note_wrong(now);
            store::put(txn, &hash, &sh)?;
            audit::append(
                txn,
                Event {
                    user: VISITOR.into(),
                    unit: String::new(),
                    action: "oa_share_password",
                    object: format!("oa_share:{}", sh.id),
                    ip,
                    outcome: Outcome::Failure,
                    detail: "分享链接的访问密码错误".into(),
                },
                now,
            )?;
            Ok(())
        })
        .await?;
    fs.add_error("password", "密码不正确");
    Ok(crate::http::respond::html_invalid(password_view(
        &st, ctx, &token, &fs,
    )))
}

/// Whether a download request starts at byte 0 (no range, a range from 0, or a range the
/// server will not honour because `If-Range` names other bytes).
fn from_start(headers: &HeaderMap, sha: &str) -> bool {
    let Some(r) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let etag = format!("\"{sha}\"");
    let if_range_other = headers
        .get(header::IF_RANGE)
        .is_some_and(|v| v.to_str().map_or(true, |v| v.trim() != etag));
    if_range_other
        || r.trim()
            .strip_prefix("bytes=")
            .is_some_and(|spec| spec.trim_start().starts_with("0-"))
}

/// GET /oa/s/{token}/file
pub async fn download_file(
    State(st): State<Shared>,
    method: Method,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response> {
    let found = access::find(&st, &token).await?.ok_or(Error::NotFound)?;
    let now = st.now_ms();
    let ip = ctx.ip_string();
    let Some(file) = found.file.clone() else {
        return match found.share.what {
            What::Collect { .. } => Err(Error::NotFound),
            What::File { .. } => Ok(gone(&st, &ctx, found.state)),
        };
    };
    // A used-up link still lets the address of its last download finish it, for a day.
    let resuming = !from_start(&headers, &file.sha);
    let continues = found.state == LinkState::UsedUp
        && resuming
        && found
            .share
            .hits
            .last()
            .is_some_and(|h| h.ip == ip && now - h.at_ms < super::DAY_MS);
    if found.state != LinkState::Live && !continues {
        return Ok(gone(&st, &ctx, found.state));
    }
    if !found.open_to(&headers, now) {
        return Ok(see_other(&super::link_path(&token)));
    }
    // A HEAD asks about the file and takes nothing.
    if !resuming && method != Method::HEAD {
        let (hash, fid) = (found.hash.clone(), file.id);
        let counted = st
            .store
            .write(move |txn| {
                let Some(mut sh) = store::get_w(txn, &hash)? else {
                    return Err(Error::NotFound);
                };
                let f = crate::intranet::files::store::get_file_w(txn, fid)?;
                let live = access::file_of(&sh, f, now).is_some();
                let state = sh.state(now, live);
                if state != LinkState::Live {
                    return Ok(Err(state));
                }
                sh.downloads = sh.downloads.saturating_add(1);
                sh.hits.push(Hit {
                    at_ms: now,
                    ip: ip.clone(),
                });
                if sh.hits.len() > MAX_LOG {
                    let extra = sh.hits.len() - MAX_LOG;
                    sh.hits.drain(..extra);
                }
                let title = sh.title();
                if sh.downloads == 1 {
                    crate::notify::store::push(
                        txn,
                        sh.owner,
                        NewNotice {
                            kind: NoticeKind::Other,
                            title: format!("您分享的文件 {title} 已被下载"),
                            text: format!("分享链接（编号 {}）第一次被下载，来自 {ip}。", sh.id),
                            url: super::LIST_PATH.into(),
                            due_ms: None,
                        },
                        now,
                    )?;
                }
                audit::append(
                    txn,
                    Event {
                        user: VISITOR.into(),
                        unit: String::new(),
                        action: "oa_share_download",
                        object: format!("oa_share:{}", sh.id),
                        ip,
                        outcome: Outcome::Success,
                        detail: format!("通过分享链接下载 {title}（第 {} 次）", sh.downloads),
                    },
                    now,
                )?;
                store::put(txn, &hash, &sh)?;
                Ok(Ok(()))
            })
            .await?;
        if let Err(state) = counted {
            return Ok(gone(&st, &ctx, state));
        }
    }
    download::serve(&st, &headers, &file.sha, &file.name, file.size).await
}
