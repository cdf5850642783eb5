//! Making a link: `GET /oa/shares/new?file={id}` (a file of mine) or without `file` (a
//! collect link, 收集文件), and `POST /oa/shares`. Expiry in days (default
//! `intranet.share_default_days`, at most `share_max_days`), an optional password (stored
//! argon2id-hashed), a download limit or, for collecting, how many files and how large, a
//! note. The link is shown once, on the answer to the post; audited `oa_share_create`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::access;
use super::model::{Share, What};
use super::store;
use crate::auth::audit::{self, Event, Outcome};
use crate::auth::password;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid};
use crate::intranet::files::model::OaFile;
use crate::intranet::files::quota::size_text;
use crate::intranet::files::{MAX_FORM_FILE, store as fstore};
use crate::intranet::home;
use crate::views::form::{self, Field, FormState};

const MIB: u64 = 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    file: String,
}

/// The caller's file `id`; 404 for anyone else's or none.
async fn my_file(st: &Shared, me: u64, id: &str) -> Result<OaFile> {
    let id: u64 = id.parse().map_err(|_| Error::NotFound)?;
    let now = st.now_ms();
    st.store
        .read(move |txn| fstore::get_file(txn, id))
        .await?
        .filter(|f| f.owner == me && f.expires_ms > now)
        .ok_or(Error::NotFound)
}

/// GET /oa/shares/new
pub async fn page_new(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response> {
    let file = if q.file.is_empty() {
        None
    } else {
        Some(my_file(&st, s.user.id, &q.file).await?)
    };
    let mut fs = FormState::default();
    let cfg = st.cfg();
    fs.values
        .push(("days".into(), cfg.intranet.share_default_days.to_string()));
    if file.is_none() {
        fs.values.push(("max_uploads".into(), "10".into()));
        fs.values
            .push(("max_size_mib".into(), (MAX_FORM_FILE / MIB).to_string()));
    }
    Ok(page(view(&st, &s, file.as_ref(), &fs)))
}

fn view(st: &Shared, s: &Staff, file: Option<&OaFile>, fs: &FormState) -> Markup {
    let cfg = st.cfg();
    let days_hint = format!(
        "从现在起计算，默认 {} 天，最长 {} 天。",
        cfg.intranet.share_default_days, cfg.intranet.share_max_days
    );
    let size_hint = format!("每个文件不超过此大小，最大 {} MB。", MAX_FORM_FILE / MIB);
    let note_err = fs.error("note");
    let title = if file.is_some() {
        "新建分享链接"
    } else {
        "新建收集链接"
    };
    let body = html! {
        (home::unclassified_note())
        (form::notice(fs))
        section.card aria-labelledby="share-new-h" {
            h2 #share-new-h {
                @match file {
                    Some(f) => { "分享文件：" (f.name) "（" (size_text(f.size)) "）" }
                    None => { "收集文件：他人通过链接把文件上传给我" }
                }
            }
            @if file.is_none() {
                p.hint { "收到的文件计入我的空间配额，出现在“文件传输”的“我的文件”中。" }
            }
            form method="post" action=(super::LIST_PATH) novalidate {
                (form::csrf(&s.csrf))
                @match file {
                    Some(f) => {
                        input type="hidden" name="kind" value="file";
                        input type="hidden" name="file" value=(f.id);
                    }
                    None => { input type="hidden" name="kind" value="collect"; }
                }
                (form::field(&Field::new("days", "有效期（天）").kind("number").hint(&days_hint), fs))
                (form::field(&Field::new("password", "访问密码（可选）").kind("password")
                    .autocomplete("new-password").optional()
                    .hint("留空则不设密码；设置后，打开链接的人须先输入密码。密码不会再次显示，请另行告知对方。"), fs))
                @if file.is_some() {
                    (form::field(&Field::new("max_downloads", "下载次数上限（可选）").kind("number").optional()
                        .hint("留空为不限次数；填 1 即一次性链接。断点续传不重复计数。"), fs))
                } @else {
                    (form::field(&Field::new("max_uploads", "最多接收文件数").kind("number"), fs))
                    (form::field(&Field::new("max_size_mib", "单个文件大小上限（MB）").kind("number").hint(&size_hint), fs))
                }
                div.field.has-error[note_err.is_some()] {
                    label for="f-note" { "备注（可选）" }
                    p.hint #f-note-hint { "打开链接的人可以看到，不超过 200 字。" }
                    @if let Some(e) = note_err { p.error #f-note-err role="alert" { (e) } }
                    textarea #f-note name="note" rows="3"
                        aria-invalid=[note_err.map(|_| "true")]
                        aria-describedby=(if note_err.is_some() { "f-note-err f-note-hint" } else { "f-note-hint" }) { (fs.value("note")) }
                }
                button.primary type="submit" { "生成链接" }
            }
        }
        p { a href=(super::LIST_PATH) { "查看我的分享链接" } }
    };
    home::render(st, s, title, crate::intranet::files::page::PATH, body)
}

/// A whole number in `min..=max`, or the message for the field; empty is `None`.
fn number(v: &str, (min, max): (u64, u64), what: &str, unit: &str) -> Result<Option<u64>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<u64>() {
        Ok(n) if n < min => Err(format!("{what}至少为 {min} {unit}")),
        Ok(n) if n > max => Err(format!("{what}不能超过 {max} {unit}")),
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(format!("{what}应为整数")),
    }
}

/// POST /oa/shares
pub async fn create(State(st): State<Shared>, headers: HeaderMap, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    let cfg = st.cfg();
    let collect = p.get("kind") != "file";
    let file = if collect {
        None
    } else {
        Some(my_file(&st, s.user.id, p.get("file")).await?)
    };
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let max_days = cfg.intranet.share_max_days;
    let days = match number(p.get("days"), (1, max_days), "有效期", "天") {
        Ok(Some(d)) => d,
        Ok(None) => {
            fs.add_error("days", "请填写有效天数");
            0
        }
        Err(e) => {
            fs.add_error("days", e);
            0
        }
    };
    let pw = p.get("password");
    if !pw.is_empty() && !(4..=64).contains(&pw.chars().count()) {
        fs.add_error("password", "密码应为 4 到 64 个字符");
    }
    let note = p.get("note").trim().to_owned();
    if note.chars().count() > 200 {
        fs.add_error("note", "备注不能超过 200 字");
    }
    let mut max_downloads = None;
    let mut what = None;
    match &file {
        Some(f) => {
            match number(p.get("max_downloads"), (1, 10_000), "下载次数上限", "次") {
                Ok(n) => max_downloads = n.and_then(|n| u32::try_from(n).ok()),
                Err(e) => fs.add_error("max_downloads", e),
            }
            what = Some(What::File {
                file: f.id,
                name: f.name.clone(),
                size: f.size,
            });
        }
        None => {
            let uploads = match number(p.get("max_uploads"), (1, 1000), "接收文件数", "个") {
                Ok(Some(n)) => u32::try_from(n).ok(),
                Ok(None) => {
                    fs.add_error("max_uploads", "请填写最多接收文件数");
                    None
                }
                Err(e) => {
                    fs.add_error("max_uploads", e);
                    None
                }
            };
            let size = match number(
                p.get("max_size_mib"),
                (1, MAX_FORM_FILE / MIB),
                "单个文件大小上限",
                "MB",
            ) {
                Ok(Some(n)) => Some(n * MIB),
                Ok(None) => {
                    fs.add_error("max_size_mib", "请填写单个文件大小上限");
                    None
                }
                Err(e) => {
                    fs.add_error("max_size_mib", e);
                    None
                }
            };
            if let (Some(max_uploads), Some(max_file_bytes)) = (uploads, size) {
                what = Some(What::Collect {
                    max_uploads,
                    max_file_bytes,
                });
            }
        }
    }
    let what = match what {
        Some(w) if !fs.has_errors() => w,
        _ => return Ok(html_invalid(view(&st, &s, file.as_ref(), &fs))),
    };
    let password = if pw.is_empty() {
        None
    } else {
        Some(password::hash_async(pw.to_owned()).await?)
    };
    let now = st.now_ms();
    let token = access::new_token();
    let h = access::hash(&token);
    let share = Share {
        id: 0,
        owner: s.user.id,
        owner_unit: s.user.unit.clone(),
        what,
        note,
        password,
        created_ms: now,
        expires_ms: super::days_from(now, days),
        max_downloads,
        downloads: 0,
        hits: vec![],
        received: vec![],
        uploads: 0,
        revoked_ms: None,
        wrong: vec![],
    };
    let (user, unit, ip) = (
        s.user.username.clone(),
        s.user.unit.to_string(),
        p.ctx.ip_string(),
    );
    let ev = move |sh: &Share| Event {
        user,
        unit,
        action: "oa_share_create",
        object: format!("oa_share:{}", sh.id),
        ip,
        outcome: Outcome::Success,
        detail: format!(
            "{}，有效至 {}{}{}",
            describe(sh),
            crate::clock::show(sh.expires_ms),
            if sh.password.is_some() {
                "，有密码"
            } else {
                ""
            },
            sh.max_downloads
                .map(|m| format!("，限下载 {m} 次"))
                .unwrap_or_default()
        ),
    };
    let made = st
        .store
        .write(move |txn| {
            if let What::File { file, .. } = &share.what {
                let mine = fstore::get_file_w(txn, *file)?
                    .is_some_and(|f| f.owner == share.owner && f.expires_ms > now);
                if !mine {
                    return Err(Error::NotFound);
                }
            }
            let sh = store::insert(txn, &h, share)?;
            audit::append(txn, ev(&sh), now)?;
            Ok(sh)
        })
        .await?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("");
    let path = super::link_path(&token);
    let url = if host.is_empty() {
        path
    } else {
        let scheme = if s.ctx.secure_cookies {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}{path}")
    };
    Ok(page(created(&st, &s, &made, &url)))
}

/// What a link gives, in words.
pub fn describe(sh: &Share) -> String {
    match &sh.what {
        What::File { name, size, .. } => format!("分享文件 {name}（{}）", size_text(*size)),
        What::Collect {
            max_uploads,
            max_file_bytes,
        } => format!(
            "收集文件（最多 {max_uploads} 个，每个不超过 {}）",
            size_text(*max_file_bytes)
        ),
    }
}

/// The answer to a made link: the link, once.
fn created(st: &Shared, s: &Staff, sh: &Share, url: &str) -> Markup {
    let body = html! {
        div.notice.ok role="status" { "链接已生成。" }
        section.card aria-labelledby="share-made-h" {
            h2 #share-made-h { (describe(sh)) }
            div.field {
                label for="share-url" { "分享链接" }
                p.hint #share-url-hint { "链接只显示这一次，请现在复制（全选后复制）并发给对方；丢失后只能撤销并重新生成。" }
                input #share-url type="text" readonly value=(url) aria-describedby="share-url-hint";
            }
            ul {
                li { "有效至 " (crate::clock::show(sh.expires_ms)) }
                li { @if sh.password.is_some() { "需要密码（请另行告知对方）" } @else { "无需密码" } }
                @if let Some(m) = sh.max_downloads { li { "最多下载 " (m) " 次" } }
            }
            p.hint { "链接只能在内网中打开。" }
        }
        p { a href=(super::LIST_PATH) { "查看我的分享链接" } }
    };
    home::render(
        st,
        s,
        "分享链接已生成",
        crate::intranet::files::page::PATH,
        body,
    )
}
