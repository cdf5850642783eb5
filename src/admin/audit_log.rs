//! The audit log, read in full only by the 审计管理员. Nobody can edit or delete it.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::auth::audit;
use crate::auth::permission::{Action, Object};
use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::http::respond::html as page;

use super::common::{record, render, require};

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    before: Option<u64>,
    #[serde(default)]
    verify: Option<u8>,
}

const PAGE: usize = 50;

pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ReadAudit, Object::System).await?;
    let before = q.before;
    let rows = st
        .store
        .read(move |txn| audit::page(txn, before, PAGE))
        .await?;
    let verified = if q.verify == Some(1) {
        let store = st.store.clone();
        let v = tokio::task::spawn_blocking(move || audit::verify(&store)).await??;
        let ev = super::common::event(
            &s.user,
            &s.ctx,
            "audit_verify",
            "audit".into(),
            v.broken.is_none(),
            format!("{} 条", v.count),
        );
        record(&st, ev).await?;
        Some(v)
    } else {
        None
    };
    let next = rows.last().map(|r| r.seq).filter(|s| *s > 1);
    let body = html! {
        @if let Some(v) = &verified {
            @match &v.broken {
                None => div.notice.ok role="status" { "哈希链校验通过：共 " (v.count) " 条记录，未发现篡改。" },
                Some((seq, why)) => div.notice.error role="alert" { "哈希链校验失败：第 " (seq) " 条记录" (why) "。" },
            }
        }
        p { a.button href="/admin/audit?verify=1" { "校验哈希链" } }
        table.data {
            caption { "审计记录（最新在前）" }
            thead { tr {
                th scope="col" { "序号" } th scope="col" { "时间" } th scope="col" { "用户" } th scope="col" { "单位" }
                th scope="col" { "操作" } th scope="col" { "对象" } th scope="col" { "IP" } th scope="col" { "结果" } th scope="col" { "说明" }
            } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (r.seq) } td { (crate::clock::show(r.at_ms)) } td { (r.user) } td { (r.unit) }
                        td { (action_label(&r.action)) br; span.muted { code { (r.action) } } } td { (r.object) } td { (r.ip) } td { (r.outcome.label()) } td { (r.detail) }
                    }
                }
            }
        }
        @if let Some(n) = next { p { a href=(format!("/admin/audit?before={n}")) { "更早的记录" } } }
    };
    Ok(page(render(&st, &s, "审计日志", body)))
}

/// What an audit action means, for the auditor (the id is shown under it).
pub fn action_label(action: &str) -> &'static str {
    match action {
        "login" => "登录",
        "login_totp" => "动态验证码登录",
        "logout" => "退出",
        "logout_everywhere" => "退出所有设备",
        "password_change" => "修改密码",
        "password_reset" => "重置密码",
        "totp_enrol" => "启用两步验证",
        "totp_disable" => "停用两步验证",
        "setup_first_admin" => "初始化：创建系统管理员",
        "admin_create" => "命令行创建管理员",
        "user_create" => "新建账号",
        "user_roles" => "修改角色",
        "user_unlock" => "解除锁定",
        "user_disable" => "停用账号",
        "user_enable" => "启用账号",
        "unit_create" => "新建单位",
        "backup" => "备份",
        "audit_verify" => "校验审计日志",
        "demo_fill" => "生成演示数据",
        "site_create" => "新建站点",
        "site_update" => "修改站点设置",
        "channel_create" => "新建栏目",
        "channel_update" => "修改栏目",
        "check_rules_update" => "修改发布检查规则",
        "check_override" => "发布前检查放行",
        "article_create" => "新建信息",
        "article_update" => "修改信息",
        "article_upload" => "上传附件",
        "article_image_upload" => "上传正文图片",
        "article_submit" => "报送",
        "article_recall" => "撤回修改",
        "article_approve_unit" => "审核通过",
        "article_return_unit" => "审核退回",
        "article_approve_office" => "办公室审核通过",
        "article_return_office" => "办公室退回",
        "article_return_publish" => "发布前退回",
        "article_publish" => "发布",
        "article_schedule" => "定时发布",
        "article_unschedule" => "取消定时发布",
        "article_publish_scheduled" => "到时自动发布",
        "article_force_publish" => "紧急发布",
        "article_review_after" => "事后审核",
        "article_correct" => "更正",
        "article_withdraw" => "撤稿",
        "article_replace" => "替换",
        _ => "其他操作",
    }
}

#[cfg(test)]
mod tests {
    /// Every action the code records has a label: a new action without one fails here.
    /// Candidates are the `article_…` and `check_…` string literals in the sources, less the
    /// table names (`TableDefinition::new("…")`) and the keys listed below.
    #[test]
    fn every_recorded_action_has_a_label() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(src)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let text = std::fs::read_to_string(&p).unwrap();
                    files.push((p, text));
                }
            }
        }
        let literal_after = |text: &str, i: usize| -> String {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect()
        };
        let mut tables = Vec::new();
        for (_, text) in &files {
            let pat = "TableDefinition::new(\"";
            for (i, _) in text.match_indices(pat) {
                tables.push(literal_after(text, i + pat.len()));
            }
        }
        let mut missing = Vec::new();
        for (p, text) in &files {
            let hits = text
                .match_indices("\"article_")
                .chain(text.match_indices("\"check_"));
            for (i, _) in hits {
                let id = literal_after(text, i + 1);
                let closed = text[i + 1 + id.len()..].starts_with('"');
                if closed
                    && !id.ends_with('_')
                    && super::action_label(&id) == "其他操作"
                    && !tables.contains(&id)
                    && !NOT_ACTIONS.contains(&id.as_str())
                {
                    missing.push(format!("{id} ({})", p.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "audit actions without a label: {missing:?}"
        );
    }

    /// Strings that look like actions but are table names or keys.
    const NOT_ACTIONS: &[&str] = &["article_flow", "check_rules"];
}
