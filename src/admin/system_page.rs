//! 系统运行 (/admin/system, 系统管理员): how the server runs (version, uptime, the sizes of the
//! database, the files and the search index, disk free), backups (last and next, "back up
//! now", each one downloadable, the schedule), rebuilding the search index with its
//! progress, and restoring from an uploaded backup (`admin::restore`).

use std::path::Path;

use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Ctx, Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell::{event, render, require};
use crate::store::{get_json, tables};
use crate::views::form::{self, FormState};

pub const HOME: &str = "/admin/system";
/// Where the restore form posts (`admin::restore::upload`).
pub const RESTORE_PATH: &str = "/admin/system/restore";

/// Files and bytes under a folder.
fn dir_size(p: &Path) -> (u64, u64) {
    let mut out = (0, 0);
    let Ok(rd) = std::fs::read_dir(p) else {
        return out;
    };
    for e in rd.flatten() {
        let Ok(m) = e.metadata() else { continue };
        if m.is_dir() {
            let (n, b) = dir_size(&e.path());
            out.0 += n;
            out.1 += b;
        } else {
            out.0 += 1;
            out.1 += m.len();
        }
    }
    out
}

fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= 1024 * MIB {
        format!("{:.1} GiB", bytes as f64 / (1024 * MIB) as f64)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

fn uptime_text(ms: i64) -> String {
    let mins = ms.max(0) / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if d > 0 {
        format!("{d}天{h}小时")
    } else if h > 0 {
        format!("{h}小时{m}分钟")
    } else {
        format!("{m}分钟")
    }
}

/// One backup file in the backup folder.
pub struct BackupFile {
    pub name: String,
    pub bytes: u64,
    /// Modified time as the file system has it (ms).
    pub modified_ms: Option<i64>,
}

/// The backups in the folder, newest first.
pub fn backups(dir: &Path) -> Vec<BackupFile> {
    let mut v: Vec<BackupFile> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let m = e.metadata().ok()?;
                    let modified_ms = m
                        .modified()
                        .ok()
                        .map(|t| crate::clock::to_ms(time::OffsetDateTime::from(t)));
                    (name.ends_with(".tar") && m.is_file()).then_some(BackupFile {
                        name,
                        bytes: m.len(),
                        modified_ms,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort_by(|a, b| b.modified_ms.cmp(&a.modified_ms).then(b.name.cmp(&a.name)));
    v
}

/// When the next daily backup runs, in words.
fn next_backup(st: &Shared, done_day: Option<&str>) -> String {
    let cfg = st.cfg();
    if !cfg.backup.daily {
        return "未开启每日自动备份".into();
    }
    let now = st.clock.now().to_offset(crate::clock::CST);
    let today = format!(
        "{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    if done_day == Some(today.as_str()) {
        format!("明天 {:02}:00（北京时间）", cfg.backup.hour)
    } else if u64::from(now.hour()) < cfg.backup.hour {
        format!("今天 {:02}:00（北京时间）", cfg.backup.hour)
    } else {
        "今天（下一次计划任务检查时，几秒之内）".into()
    }
}

/// The restore part of the system page.
fn restore_section(
    s: &Staff,
    staged: Option<&crate::ops::restore::Staged>,
    fs: &FormState,
) -> Markup {
    let err = fs.error("backup");
    html! {
        section.card aria-labelledby="sys-restore-h" {
            h2 #sys-restore-h { "从备份恢复" }
            @if let Some(x) = staged {
                div.notice role="status" {
                    p { strong { "已准备恢复，重启服务后生效：" }
                        "备份文件 " code { (x.file_name) } "（备份于 " (crate::clock::show(x.backup_ms)) "，gongkai " (x.app_version) "，" (x.files) " 个文件），由 "
                        (x.staged_by) " 于 " (crate::clock::show(x.staged_ms)) " 上传并校验通过。" }
                    p { "请在服务器上重启服务（如 " code { "systemctl restart gongkai" } "）。启动时将自动换入这份备份，现有数据整体移入数据目录下的 "
                        code { "pre-restore-日期时间" } " 目录保留；搜索索引随后自动重建。" }
                }
                form method="post" action="/admin/system/restore/cancel" {
                    (form::csrf(&s.csrf))
                    button type="submit" { "取消恢复" }
                }
            }
            p { "上传用本系统“立即备份”或每日自动备份生成的 .tar 文件。文件会逐项校验（与命令行 "
                code { "gongkai restore" } " 相同），校验通过后才会准备恢复；正在运行的数据不会被改动，直到重启。" }
            form method="post" action=(RESTORE_PATH) enctype="multipart/form-data" novalidate {
                (form::csrf(&s.csrf))
                div.field.has-error[err.is_some()] {
                    label for="f-backup" { "备份文件（.tar）" }
                    @if let Some(e) = err { p.error #f-backup-err role="alert" { (e) } }
                    input #f-backup type="file" name="backup" accept=".tar,application/x-tar" aria-invalid=[err.map(|_| "true")] aria-describedby=[err.map(|_| "f-backup-err")];
                }
                button.primary type="submit" { "上传并校验" }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct SystemQuery {
    #[serde(default)]
    done: String,
}

/// What the page shows; the restore form's errors come from `admin::restore`.
pub async fn view(st: &Shared, s: &Staff, done: &str, restore_fs: &FormState) -> Result<Markup> {
    let cfg = st.cfg();
    let (dir, data) = (cfg.backup_dir(), st.store.dir().to_path_buf());
    let (list, db_bytes, files, index, staged) = tokio::task::spawn_blocking(move || {
        (
            backups(&dir),
            std::fs::metadata(data.join(crate::store::DB_FILE)).map_or(0, |m| m.len()),
            dir_size(&data.join("blobs")),
            dir_size(&data.join("search")).1,
            crate::ops::restore::staged(&data),
        )
    })
    .await?;
    let done_day: Option<String> = st
        .store
        .read(|txn| get_json(&txn.open_table(tables::META)?, "last_daily_backup"))
        .await?;
    let free = crate::ops::routes::free_bytes(st.store.dir()).unwrap_or(0);
    let now = st.now_ms();
    let reindex = &st.reindex;
    let running = reindex.running.load(std::sync::atomic::Ordering::Relaxed);
    let indexed = reindex.done.load(std::sync::atomic::Ordering::Relaxed);
    let last_reindex = reindex.last.lock().map(|g| g.clone()).unwrap_or(None);
    let docs = st.search.get().map(|ix| ix.index.num_docs());
    Ok(html! {
        @match done {
            "backup" => { div.notice.ok role="status" { "备份已完成，可在下方下载。" } }
            "reindex" => { div.notice.ok role="status" { "已开始重建搜索索引，重建期间搜索仍使用原索引。" } }
            "staged" => { div.notice.ok role="status" { "备份文件已逐项校验通过并准备就绪，重启服务后生效。" } }
            "cancelled" => { div.notice.ok role="status" { "已取消恢复。" } }
            _ => {}
        }
        section.card aria-labelledby="sys-run-h" {
            h2 #sys-run-h { "运行状态" }
            dl.kv {
                dt { "版本" } dd { (env!("CARGO_PKG_VERSION")) "（数据结构版本 " (crate::store::schema::CURRENT) "）" }
                dt { "已运行" } dd { (uptime_text(now - st.started_ms)) }
                dt { "数据目录" } dd { code { (st.store.dir().display()) } }
                dt { "数据库" } dd { (size_text(db_bytes)) }
                dt { "附件与图片" } dd { (files.0) " 个文件，" (size_text(files.1)) }
                dt { "搜索索引" } dd { (size_text(index)) @if let Some(n) = docs { "，" (n) " 条" } }
                dt { "可用磁盘空间" } dd { (size_text(free)) }
            }
        }
        section.card aria-labelledby="sys-backup-h" {
            h2 #sys-backup-h { "备份" }
            dl.kv {
                dt { "备份目录" } dd { code { (cfg.backup_dir().display()) } }
                dt { "上次备份" } dd { @match list.first().and_then(|b| b.modified_ms) { Some(ms) => { (crate::clock::show(ms)) }, None => { "暂无备份" } } }
                dt { "下次自动备份" } dd { (next_backup(st, done_day.as_deref())) }
                dt { "备份计划" } dd {
                    @if cfg.backup.daily { "每天 " (cfg.backup.hour) " 时，保留 " (cfg.backup.keep) " 份" } @else { "未开启" }
                    " " a href="/admin/settings#set-backup-h" { "修改备份计划" }
                }
            }
            form method="post" action="/admin/system/backup" {
                (form::csrf(&s.csrf))
                button.primary type="submit" { "立即备份" }
            }
            @if !list.is_empty() {
                table.data {
                    caption { "已有备份（新的在前）" }
                    thead { tr { th scope="col" { "文件" } th scope="col" { "大小" } th scope="col" { "时间" } th scope="col" { "下载" } } }
                    tbody { @for b in &list { tr {
                        td { code { (b.name) } }
                        td { (size_text(b.bytes)) }
                        td { @if let Some(ms) = b.modified_ms { (crate::clock::show(ms)) } }
                        td { a href=(format!("/admin/system/backups/{}", b.name)) download { "下载 " (b.name) } }
                    } } }
                }
            }
        }
        section.card aria-labelledby="sys-index-h" {
            h2 #sys-index-h { "搜索索引" }
            @if running {
                p role="status" { "正在重建：已处理 " (indexed) " 条。重建期间搜索仍使用原索引。" a href=(HOME) { "刷新查看进度" } }
            } @else {
                @match &last_reindex {
                    Some((at, n, None)) => { p { "上次重建于 " (crate::clock::show(*at)) "，共 " (n) " 条。" } }
                    Some((at, _, Some(e))) => { p.error role="alert" { "上次重建于 " (crate::clock::show(*at)) " 失败：" (e) } }
                    None => { p { "搜索结果与已发布内容不一致时，可重建索引。" } }
                }
                form method="post" action="/admin/system/reindex" {
                    (form::csrf(&s.csrf))
                    button type="submit" { "重建搜索索引" }
                }
            }
        }
        (restore_section(s, staged.as_ref(), restore_fs))
        section.card aria-labelledby="sys-config-h" {
            h2 #sys-config-h { "生效配置" }
            details {
                summary { "查看生效配置（密钥已隐去；在“系统设置”中修改）" }
                pre.config { (cfg.show()) }
            }
        }
    })
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<SystemQuery>,
) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let body = view(&st, &s, &q.done, &FormState::default()).await?;
    Ok(page(render(&st, &s, "系统运行", body)))
}

/// The page again with the restore form's errors (422).
pub async fn invalid(st: &Shared, s: &Staff, fs: &FormState) -> Result<Response> {
    let body = view(st, s, "", fs).await?;
    Ok(html_invalid(render(st, s, "系统运行", body)))
}

pub async fn backup(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let name = format!(
        "gongkai-{}-manual.tar",
        crate::clock::file_stamp(st.now_ms())
    );
    let out = st.cfg().backup_dir().join(name);
    crate::ops::backup::backup_now(&st, &out, &s.user.username).await?;
    Ok(see_other("/admin/system?done=backup"))
}

/// One backup file, as an attachment; only a name the backup folder lists.
pub async fn download(
    State(st): State<Shared>,
    ctx: Ctx,
    UrlPath(name): UrlPath<String>,
    req: Request,
) -> Result<Response> {
    let s = ctx.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let dir = st.cfg().backup_dir();
    let d2 = dir.clone();
    let listed = tokio::task::spawn_blocking(move || backups(&d2)).await?;
    // The name must be one the folder lists: never a path the client made up.
    let Some(file) = listed.into_iter().find(|b| b.name == name) else {
        return Err(Error::NotFound);
    };
    let ev = event(
        &s.user,
        &ctx,
        "backup_download",
        file.name.clone(),
        true,
        size_text(file.bytes),
    );
    let now = st.now_ms();
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await?;
    let mime: mime_guess::mime::Mime = "application/x-tar".parse().map_err(Error::internal)?;
    let svc = tower_http::services::ServeFile::new_with_mime(dir.join(&file.name), &mime);
    let mut resp = tower::ServiceExt::oneshot(svc, req)
        .await
        .map_err(Error::internal)?
        .map(axum::body::Body::new);
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Starts rebuilding the search index in the background.
pub async fn reindex(State(st): State<Shared>, p: Posted) -> Result<Response> {
    use std::sync::atomic::Ordering::SeqCst;
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    if st.search.get().is_none() {
        return Err(Error::BadRequest("搜索索引不可用，请查看服务日志".into()));
    }
    if st.reindex.running.swap(true, SeqCst) {
        return Ok(see_other(HOME));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "search_reindex",
        "search".to_owned(),
        true,
        String::new(),
    );
    let now = st.now_ms();
    st.store
        .write(move |txn| audit::append(txn, ev, now).map(|_| ()))
        .await?;
    let st2 = st.clone();
    tokio::task::spawn_blocking(move || {
        let r = match st2.search.get() {
            Some(ix) => ix.rebuild(&st2.store, &st2.reindex),
            None => Err(Error::Internal("search index unavailable".into())),
        };
        let at = st2.now_ms();
        let n = st2.reindex.done.load(SeqCst);
        if let Ok(mut last) = st2.reindex.last.lock() {
            *last = Some((at, n, r.err().map(|e| e.to_string())));
        }
        st2.reindex.running.store(false, SeqCst);
        crate::ops::memory::release_free_memory();
    });
    Ok(see_other(&format!("{HOME}?done=reindex")))
}
