//! `GET /oa/transfer` (文件传输): my files with their download links and delete buttons,
//! the space I and my unit use against the quotas, and the uploader — the browser's own tus
//! client (`embedded/static/js/oa-upload.js`: chunks, progress, resume after a broken
//! connection or a reload) over a plain form that works without script (`form_upload`).

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::model::OaFile;
use super::quota::{self, Limits, size_text};
use super::{FORM_PATH, MAX_FORM_FILE, store};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;
use crate::intranet::home;
use crate::views::form::{self, FormState};

/// The page's address.
pub const PATH: &str = "/oa/transfer";

/// Bytes in one PATCH of the browser uploader.
pub const CHUNK_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    done: String,
}

/// GET /oa/transfer
pub async fn page_transfer(
    State(st): State<Shared>,
    staff: Staff,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    Ok(page(
        view(&st, &staff, &FormState::default(), &q.done).await?,
    ))
}

/// The page, with the plain form's errors (if any).
pub async fn view(st: &Shared, s: &Staff, fs: &FormState, done: &str) -> Result<Markup> {
    let (me, unit, code) = (s.user.id, s.user.unit.to_string(), s.user.unit.clone());
    let (files, used, unit_name) = st
        .store
        .read(move |txn| {
            let name =
                crate::auth::units::Units::new(crate::auth::store::list_units(txn)?).name(&code);
            Ok((
                store::files_of(txn, me)?,
                quota::usage(txn, me, &unit)?,
                name,
            ))
        })
        .await?;
    let cfg = st.cfg();
    let limits = Limits::of(&cfg);
    let max = cfg.intranet.max_file_mib.saturating_mul(1024 * 1024);
    let err = fs.error("file");
    let done_text = match done {
        "upload" => Some("文件已上传。"),
        "delete" => Some("文件已删除，所占空间已释放。"),
        _ => None,
    };
    // The page's h1 is its title (the staff layout prints it).
    let body = html! {
        (home::unclassified_note())
        p { a href="/oa/sends" { "收到与发出的文件" } " " a href="/oa/sends/new" { "发送文件给单位或个人" } }
        @if let Some(t) = done_text { div.notice.ok role="status" { (t) } }
        (form::notice(fs))
        section.card aria-labelledby="oa-space-h" {
            h2 #oa-space-h { "空间使用" }
            ul.oa-usage {
                li { "个人：已用 " (size_text(used.person)) " / 配额 " (size_text(limits.person)) }
                li { "本单位（" (unit_name) "）：已用 " (size_text(used.unit)) " / 配额 " (size_text(limits.unit)) }
            }
            p.hint { "文件保留 " (cfg.intranet.file_keep_days) " 天，到期自动清除；未完成的上传保留 "
                (cfg.intranet.upload_expire_hours) " 小时，可在此期间续传。" }
        }
        section.card aria-labelledby="oa-upload-h" {
            h2 #oa-upload-h { "上传文件" }
            form #oa-upload method="post" action=(FORM_PATH) enctype="multipart/form-data"
                data-tus=(super::tus::ENDPOINT) data-csrf=(s.csrf) data-chunk=(CHUNK_BYTES)
                data-max=(max) novalidate {
                (form::csrf(&s.csrf))
                div.field.has-error[err.is_some()] {
                    label for="f-file" { "选择文件" }
                    p.hint #f-file-hint { "单个文件不超过 " (size_text(max)) "；支持断点续传，网络中断或刷新页面后重新选择同一文件即可从断点继续。浏览器未启用脚本时，单个文件不超过 "
                        (size_text(MAX_FORM_FILE)) "。" }
                    @if let Some(e) = err { p.error #f-file-err role="alert" { (e) } }
                    input #f-file type="file" name="file"
                        aria-invalid=[err.map(|_| "true")]
                        aria-describedby=(if err.is_some() { "f-file-err f-file-hint" } else { "f-file-hint" });
                }
                div #oa-progress-box hidden {
                    label for="oa-progress" { "上传进度" }
                    progress #oa-progress max="100" value="0" { "0%" }
                    " " span #oa-progress-text { "0%" }
                }
                p #oa-upload-status role="status" aria-live="polite" {}
                button.primary #oa-upload-go type="submit" { "上传" }
            }
        }
        section.card aria-labelledby="oa-files-h" {
            h2 #oa-files-h { "我的文件" }
            p { a href="/oa/shares" { "我的分享链接" } " · " a href="/oa/shares/new" { "新建收集链接（让他人上传文件给我）" } }
            @if files.is_empty() {
                p.empty { "还没有上传文件。" }
            } @else {
                (file_table(&s.csrf, &files))
            }
        }
        link rel="stylesheet" href=(st.assets.url("css/oa-transfer.css"));
        script src=(st.assets.url("js/oa-upload.js")) defer {}
    };
    Ok(home::render(st, s, "文件传输", PATH, body))
}

fn file_table(csrf: &str, files: &[OaFile]) -> Markup {
    // Button and link names are unique on the page: a name used twice gets its number.
    let label = |f: &OaFile| {
        if files.iter().filter(|g| g.name == f.name).count() > 1 {
            format!("{}（编号 {}）", f.name, f.id)
        } else {
            f.name.clone()
        }
    };
    html! {
        table.data.cards {
            caption { "我上传的文件（新的在前）" }
            thead { tr {
                th scope="col" { "文件名" } th scope="col" { "大小" } th scope="col" { "类型" }
                th scope="col" { "上传时间" } th scope="col" { "保留至" } th scope="col" { "操作" }
            } }
            tbody { @for f in files { tr {
                td data-label="文件名" { (f.name) }
                td data-label="大小" { (size_text(f.size)) }
                td data-label="类型" { (f.kind) }
                td data-label="上传时间" { (crate::clock::show(f.created_ms)) }
                td data-label="保留至" { (crate::clock::show(f.expires_ms)) }
                td data-label="操作" {
                    a href=(format!("{PATH}/{}/download", f.id)) { "下载 " (label(f)) }
                    " "
                    a href=(format!("/oa/sends/new?file={}", f.id)) { "发送 " (label(f)) }
                    " "
                    a href=(format!("/oa/shares/new?file={}", f.id)) { "分享 " (label(f)) }
                    " "
                    form.inline method="post" action=(format!("{PATH}/{}/delete", f.id)) {
                        (form::csrf(csrf))
                        button.link type="submit" { "删除 " (label(f)) }
                    }
                }
            } } }
        }
    }
}
