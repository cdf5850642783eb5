//! The staff workbench and the 系统管理员's system page: effective config, storage,
//! backups (with "back up now").

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::auth::permission::{Action, Object, can};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, see_other};
use crate::views::form;

use crate::staff::shell::{facts, render, require};

pub async fn dashboard(State(st): State<Shared>, s: Staff) -> Result<Response> {
    require(&st, &s, Action::StaffHome, Object::System).await?;
    let f = facts(&st).await?;
    let u = &s.user;
    // 我的工作: every registered 待办 source's waiting lists, with counts.
    let work = crate::staff::work::summary(&st, &s).await?;
    // 待办: account requests this person may approve.
    let approvals = if can(u, Action::ReviewAccountRequests, Object::System, f) {
        Some(super::requests::waiting_count(&st, u).await?)
    } else {
        None
    };
    let tiles = {
        let (st2, u2) = (st.clone(), u.clone());
        // Some tiles' rules read the store.
        tokio::task::spawn_blocking(move || st2.staff_registry().tiles(&st2, &u2)).await?
    };
    // Until the installation is complete, its two administrators see what is missing.
    let checklist = if u.has_role(crate::auth::model::Role::Sysadmin)
        || u.has_role(crate::auth::model::Role::Secadmin)
    {
        super::checklist::markup(&super::checklist::lines(&st).await?)
    } else {
        None
    };
    let body = html! {
        p { "您好，" (u.display_name) "。" }
        @if let Some(c) = checklist { (c) }
        @if let Some(w) = work { (w) }
        @if let Some(n) = approvals {
            section.card.work-summary aria-labelledby="approvals-h" {
                h2 #approvals-h { "待办" }
                ul.work-counts {
                    li { a href="/admin/requests" { span.count { (n) } " 件账号申请待我审批" } }
                }
            }
        }
        @if can(u, Action::BootstrapSecadmin, Object::System, f) {
            div.notice role="status" {
                "系统尚无安全管理员。按三员分立要求，账号与角色须由安全管理员管理。"
                a href="/admin/users/new" { "创建安全管理员" }
            }
        }
        ul.tiles {
            @for (href, label, blurb) in &tiles {
                li { a href=(href) { strong { (label) } span { (blurb) } } }
            }
        }
    };
    Ok(page(render(&st, &s, "工作台", body)))
}

#[derive(Deserialize, Default)]
pub struct SystemQuery {
    #[serde(default)]
    done: String,
}

pub async fn page_handler(st: Shared, s: Staff, q: SystemQuery) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let dir = st.cfg().backup_dir();
    let backups = tokio::task::spawn_blocking(move || {
        let mut v: Vec<(String, u64)> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let len = e.metadata().ok()?.len();
                        name.ends_with(".tar").then_some((name, len))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v.reverse();
        v
    })
    .await?;
    let schema = crate::store::schema::CURRENT;
    let free = crate::ops::routes::free_bytes(st.store.dir()).unwrap_or(0);
    let body = html! {
        @if q.done == "backup" { div.notice.ok role="status" { "备份已完成。" } }
        section.card {
            h2 { "运行状态" }
            dl.kv {
                dt { "版本" } dd { (env!("CARGO_PKG_VERSION")) }
                dt { "数据结构版本" } dd { (schema) }
                dt { "数据目录" } dd { code { (st.store.dir().display()) } }
                dt { "可用磁盘空间" } dd { (free / 1024 / 1024) " MiB" }
            }
        }
        section.card {
            h2 { "备份" }
            p { "备份目录：" code { (st.cfg().backup_dir().display()) } "；每日自动备份："
                @if st.cfg().backup.daily { "已开启（每天 " (st.cfg().backup.hour) " 时，保留 " (st.cfg().backup.keep) " 份）" } @else { "未开启" } }
            form method="post" action="/admin/system/backup" {
                (form::csrf(&s.csrf))
                button.primary type="submit" { "立即备份" }
            }
            @if backups.is_empty() { p.muted { "暂无备份。" } } @else {
                table.data {
                    caption { "已有备份" }
                    thead { tr { th scope="col" { "文件" } th scope="col" { "大小" } } }
                    tbody { @for (n, len) in &backups { tr { td { code { (n) } } td { (len / 1024) " KiB" } } } }
                }
            }
            p.muted { "恢复：停止服务后运行 " code { "gongkai restore 备份文件 --data 空目录" } "。" }
        }
        section.card {
            h2 { "生效配置（密钥已隐去）" }
            pre.config { (st.cfg().show()) }
        }
    };
    Ok(page(render(&st, &s, "系统运行", body)))
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<SystemQuery>,
) -> Result<Response> {
    page_handler(st, s, q).await
}

pub async fn backup(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let now = st.clock.now().to_offset(crate::clock::CST);
    let name = format!(
        "gongkai-{:04}{:02}{:02}-{:02}{:02}{:02}-manual.tar",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let out = st.cfg().backup_dir().join(name);
    crate::ops::backup::backup_now(&st, &out, &s.user.username).await?;
    Ok(see_other("/admin/system?done=backup"))
}
