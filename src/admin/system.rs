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
    let writes = u.grants.iter().any(|g| {
        can(
            u,
            Action::WriteContent,
            Object::Unit(std::slice::from_ref(&g.unit)),
            f,
        )
    });
    // The work lists' counts, for staff who write, review or publish.
    let work = if writes {
        Some(crate::publishing::review::worklist::load(&st, &s).await?)
    } else {
        None
    };
    // 待办: account requests this person may approve.
    let approvals = if can(u, Action::ReviewAccountRequests, Object::System, f) {
        Some(super::requests::waiting_count(&st, u).await?)
    } else {
        None
    };
    let checks = {
        let (st2, u2) = (st.clone(), u.clone());
        tokio::task::spawn_blocking(move || {
            crate::publishing::checks::rules_admin::nav_allowed(&st2, &u2)
        })
        .await?
    };
    let body = html! {
        p { "您好，" (u.display_name) "。" }
        @if let Some(w) = &work {
            section.card.work-summary aria-labelledby="work-h" {
                h2 #work-h { "我的工作" }
                ul.work-counts {
                    @for (id, label, items) in w.lists.iter().filter(|(id, _, _)| *id != "published") {
                        li { a href=(format!("/admin/work?list={id}")) { span.count { (items.len()) } " " (label) } }
                    }
                }
            }
        }
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
            @if can(u, Action::ManageAccounts, Object::System, f) {
                li { a href="/admin/users" { strong { "账号与角色" } span { "新建账号、授予角色、重置密码、解除锁定" } } }
            }
            @if can(u, Action::RunSystem, Object::System, f) {
                li { a href="/admin/units" { strong { "组织机构" } span { "区政府、部门、街道、社区的单位树" } } }
                li { a href="/admin/system" { "" strong { "系统运行" } span { "配置、存储、备份" } } }
            }
            @if can(u, Action::ReadAudit, Object::System, f) {
                li { a href="/admin/audit" { strong { "审计日志" } span { "查阅全部操作记录并校验哈希链" } } }
            }
            @if approvals.is_some() {
                li { a href="/admin/requests" { strong { "账号审批" } span { "三员账号的新建、角色和重置须由另一位管理员批准" } } }
            }
            @if writes {
                li { a href="/admin/articles" { strong { "信息发布" } span { "撰写、报送、审核、发布本单位的信息" } } }
            }
            @if u.grants.iter().any(|g| can(u, Action::ManageSite, Object::Unit(std::slice::from_ref(&g.unit)), f)) {
                li { a href="/admin/sites" { strong { "站点与栏目" } span { "站点名称、主题色、绑定域名和栏目设置" } } }
            }
            @if checks {
                li { a href="/admin/checks" { strong { "发布检查规则" } span { "禁用词、敏感词、规范表述和允许的附件类型" } } }
            }
            li { a href="/account" { strong { "账号安全" } span { "修改密码、两步验证、退出其他设备" } } }
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
    let dir = st.cfg.backup_dir();
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
            p { "备份目录：" code { (st.cfg.backup_dir().display()) } "；每日自动备份："
                @if st.cfg.backup.daily { "已开启（每天 " (st.cfg.backup.hour) " 时，保留 " (st.cfg.backup.keep) " 份）" } @else { "未开启" } }
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
            pre.config { (st.cfg.show()) }
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
    let out = st.cfg.backup_dir().join(name);
    crate::ops::backup::backup_now(&st, &out, &s.user.username).await?;
    Ok(see_other("/admin/system?done=backup"))
}
