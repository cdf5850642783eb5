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
use crate::views::form::{self, Field, FormState};

use crate::staff::shell::{record, render, require};

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    before: Option<u64>,
    #[serde(default)]
    verify: Option<u8>,
    #[serde(default)]
    user: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object: String,
    /// YYYY-MM-DD, Beijing time, inclusive.
    #[serde(default)]
    from: String,
    /// YYYY-MM-DD, Beijing time, inclusive.
    #[serde(default)]
    to: String,
}

const PAGE: usize = 50;
/// Records looked at for one page before it offers to look further back.
const SCAN: usize = 20_000;
/// Rows in one CSV export at most.
const EXPORT_MAX: usize = 100_000;

/// The start of a Beijing date, as ms.
fn day_start(s: &str) -> Option<i64> {
    let d = time::Date::parse(
        s.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some(crate::clock::to_ms(
        d.midnight().assume_offset(crate::clock::CST),
    ))
}

/// The query's filter, with a message for each date that is not one.
fn filter_of(q: &AuditQuery) -> (audit::Filter, Vec<(&'static str, &'static str)>) {
    let mut errors = Vec::new();
    let mut date = |name: &'static str, v: &str, end: bool| -> Option<i64> {
        if v.trim().is_empty() {
            return None;
        }
        match day_start(v) {
            Some(ms) => Some(if end { ms + 86_400_000 } else { ms }),
            None => {
                errors.push((name, "请填写日期，如 2026-12-01"));
                None
            }
        }
    };
    let from_ms = date("from", &q.from, false);
    let until_ms = date("to", &q.to, true);
    let f = audit::Filter {
        user: q.user.trim().to_owned(),
        unit: q.unit.trim().to_owned(),
        action: q.action.trim().to_owned(),
        object: q.object.trim().to_owned(),
        from_ms,
        until_ms,
    };
    (f, errors)
}

/// The query string of the filters (for the next page and the export).
fn filter_query(q: &AuditQuery) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s.trim(), crate::ids::URL_COMPONENT).to_string()
    };
    [
        ("user", &q.user),
        ("unit", &q.unit),
        ("action", &q.action),
        ("object", &q.object),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}={}", enc(v)))
    .collect::<Vec<_>>()
    .join("&")
}

pub async fn list(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ReadAudit, Object::System).await?;
    let (filter, date_errors) = filter_of(&q);
    let before = q.before;
    let f2 = filter.clone();
    let (rows, next) = st
        .store
        .read(move |txn| audit::search(txn, &f2, before, PAGE, SCAN))
        .await?;
    let verified = if q.verify == Some(1) {
        let store = st.store.clone();
        let v = tokio::task::spawn_blocking(move || audit::verify(&store)).await??;
        let ev = crate::staff::shell::event(
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
    let fq = filter_query(&q);
    let mut fs = FormState {
        values: vec![
            ("user".into(), q.user.clone()),
            ("unit".into(), q.unit.clone()),
            ("action".into(), q.action.clone()),
            ("object".into(), q.object.clone()),
            ("from".into(), q.from.clone()),
            ("to".into(), q.to.clone()),
        ],
        ..Default::default()
    };
    for (name, m) in date_errors {
        fs.add_error(name, m);
    }
    let actions: Vec<(String, String)> = std::iter::once((String::new(), "全部操作".to_owned()))
        .chain(
            ACTIONS
                .iter()
                .map(|(a, l)| ((*a).to_owned(), format!("{l}（{a}）"))),
        )
        .collect();
    let filtering = !fq.is_empty();
    let body = html! {
        @if let Some(v) = &verified {
            @match &v.broken {
                None => div.notice.ok role="status" { "哈希链校验通过：共 " (v.count) " 条记录，未发现篡改。" },
                Some((seq, why)) => div.notice.error role="alert" { "哈希链校验失败：第 " (seq) " 条记录" (why) "。" },
            }
        }
        p { a.button href="/admin/audit?verify=1" { "校验哈希链" } }
        form.filter.audit-filter method="get" action="/admin/audit" {
            (form::field(&Field::new("user", "用户名").optional(), &fs))
            (form::field(&Field::new("unit", "单位代码").optional(), &fs))
            (form::select("action", "操作", &actions, &fs))
            (form::field(&Field::new("object", "对象（如 article:12）").optional(), &fs))
            (form::field(&Field::new("from", "起始日期").kind("date").optional(), &fs))
            (form::field(&Field::new("to", "截止日期").kind("date").optional(), &fs))
            button type="submit" { "查询" }
            " " a href=(format!("/admin/audit.csv{}{}", if fq.is_empty() { "" } else { "?" }, fq)) { "导出 CSV" }
        }
        table.data {
            caption { @if filtering { "符合条件的审计记录（最新在前）" } @else { "审计记录（最新在前）" } }
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
                @if rows.is_empty() { tr { td colspan="9" { @if next.is_some() { "这一段记录中没有符合条件的，可继续查找更早的记录。" } @else { "没有符合条件的记录。" } } } }
            }
        }
        @if let Some(n) = next {
            p { a href=(format!("/admin/audit?before={n}{}{}", if fq.is_empty() { "" } else { "&" }, fq)) { "更早的记录" } }
        }
    };
    Ok(page(render(&st, &s, "审计日志", body)))
}

/// A cell a spreadsheet will not run: text starting with = + - @ (or a tab or return) is
/// prefixed with an apostrophe (CSV formula injection).
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// GET /admin/audit.csv: the matching records as CSV (UTF-8 with a BOM, so Excel reads the
/// Chinese), newest first, at most `EXPORT_MAX`; the export itself is audited.
pub async fn export(
    State(st): State<Shared>,
    s: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    require(&st, &s, Action::ReadAudit, Object::System).await?;
    let (filter, date_errors) = filter_of(&q);
    if let Some((_, m)) = date_errors.first() {
        return Err(crate::error::Error::BadRequest((*m).to_owned()));
    }
    let rows = st
        .store
        .read(move |txn| Ok(audit::search(txn, &filter, None, EXPORT_MAX, usize::MAX)?.0))
        .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| crate::error::Error::internal(e);
    w.write_record([
        "序号",
        "时间",
        "用户",
        "单位",
        "操作",
        "操作代码",
        "对象",
        "IP",
        "结果",
        "说明",
        "哈希",
    ])
    .map_err(err)?;
    for r in &rows {
        w.write_record([
            r.seq.to_string(),
            crate::clock::show(r.at_ms),
            cell(&r.user),
            cell(&r.unit),
            action_label(&r.action).to_owned(),
            r.action.clone(),
            cell(&r.object),
            r.ip.clone(),
            r.outcome.label().to_owned(),
            cell(&r.detail),
            r.hash.clone(),
        ])
        .map_err(err)?;
    }
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend(
        w.into_inner()
            .map_err(|e| crate::error::Error::internal(e.to_string()))?,
    );
    let ev = crate::staff::shell::event(
        &s.user,
        &s.ctx,
        "audit_export",
        "audit".into(),
        true,
        format!("{} 条；条件：{}", rows.len(), filter_query(&q)),
    );
    record(&st, ev).await?;
    let mut r = axum::response::IntoResponse::into_response(body);
    let h = r.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// Every audit action with what it means, for the auditor (the id is shown under it) and the
/// viewer's action filter.
pub const ACTIONS: &[(&str, &str)] = &[
    ("audit_export", "导出审计记录"),
    ("login", "登录"),
    ("login_totp", "动态验证码登录"),
    ("logout", "退出"),
    ("logout_everywhere", "退出所有设备"),
    ("password_change", "修改密码"),
    ("password_reset", "重置密码"),
    ("totp_enrol", "启用两步验证"),
    ("totp_disable", "停用两步验证"),
    ("totp_reset", "重置两步验证"),
    ("account_request", "提出账号申请（待审批）"),
    ("account_request_approve", "批准账号申请"),
    ("account_request_reject", "驳回账号申请"),
    ("account_request_withdraw", "撤回账号申请"),
    ("account_request_expire", "账号申请过期"),
    ("account_request_flow", "账号申请其他操作"),
    ("password_link_issue", "签发一次性设置密码链接"),
    ("password_link_use", "通过一次性链接设置密码"),
    ("setup_first_admin", "初始化：创建系统管理员"),
    ("admin_create", "命令行创建管理员"),
    ("user_create", "新建账号"),
    ("user_import", "批量导入账号"),
    ("user_roles", "修改角色"),
    ("user_unlock", "解除锁定"),
    ("user_disable", "停用账号"),
    ("user_enable", "启用账号"),
    ("unit_create", "新建单位"),
    ("unit_update", "修改单位信息"),
    ("unit_retire", "撤销单位"),
    ("backup", "备份"),
    ("backup_download", "下载备份"),
    ("search_reindex", "重建搜索索引"),
    ("restore_stage", "上传备份准备恢复"),
    ("restore_cancel", "取消恢复"),
    ("restore_done", "换入恢复的备份"),
    ("settings_change", "修改系统设置"),
    ("oa_doc_send", "发送公文"),
    ("oa_doc_sign", "签收公文"),
    ("oa_doc_remark", "公文批阅意见"),
    ("oa_doc_remind", "公文催办"),
    ("oa_doc_forward", "转发公文"),
    ("oa_send", "发送文件（内网）"),
    ("oa_send_sign", "签收文件"),
    ("oa_send_remind", "提醒接收文件"),
    ("oa_send_expire", "清除到期的发送记录"),
    ("calendar_change", "修改工作日历"),
    ("selfcheck_scan", "网站全站检查"),
    ("audit_verify", "校验审计日志"),
    ("demo_fill", "生成演示数据"),
    ("site_create", "新建站点"),
    ("site_update", "修改站点设置"),
    ("site_layout", "修改导航与首页区块"),
    ("site_image", "更换站点图片"),
    ("channel_create", "新建栏目"),
    ("channel_update", "修改栏目"),
    ("check_rules_update", "修改发布检查规则"),
    ("check_override", "发布前检查放行"),
    ("gk_codes_update", "修改公开目录分类表"),
    ("article_create", "新建信息"),
    ("article_update", "修改信息"),
    ("article_upload", "上传附件"),
    ("article_image_upload", "上传正文图片"),
    ("article_submit", "报送"),
    ("article_recall", "撤回修改"),
    ("article_approve_unit", "审核通过"),
    ("article_return_unit", "审核退回"),
    ("article_approve_office", "办公室审核通过"),
    ("article_return_office", "办公室退回"),
    ("article_return_publish", "发布前退回"),
    ("article_publish", "发布"),
    ("article_schedule", "定时发布"),
    ("article_unschedule", "取消定时发布"),
    ("article_publish_scheduled", "到时自动发布"),
    ("article_force_publish", "紧急发布"),
    ("article_review_after", "事后审核"),
    ("article_correct", "更正"),
    ("article_withdraw", "撤稿"),
    ("article_replace", "替换"),
    ("article_edit", "他人修改内容"),
    ("article_flow", "其他流程操作"),
    ("oa_meeting_send", "发出会议通知"),
    ("oa_meeting_reply", "会议回执"),
    ("oa_meeting_remind", "催办会议回执"),
    ("oa_meeting_change", "修改会议"),
    ("oa_meeting_cancel", "取消会议"),
    // 政务公开 · 依申请公开、公开指南
    ("gk_request_new", "收到政府信息公开申请"),
    ("gk_request_step", "办理政府信息公开申请"),
    ("mb_letter_new", "区长信箱收到信件"),
    ("mb_letter_step", "办理区长信箱信件"),
    ("mb_settings", "修改区长信箱设置"),
    ("gk_guide_save", "更新公开指南"),
    ("project_new", "新增民生实事项目"),
    ("project_edit", "修改民生实事项目"),
    ("project_update_new", "报送民生实事项目进展"),
    ("project_update_edit", "修改并重新报送民生实事项目进展"),
    ("project_update_step", "审核、发布或撤下民生实事项目进展"),
    // 政务公开 · 年度报告
    ("gk_report_save", "保存年度报告"),
    ("gk_report_adjust", "调整年度报告表三"),
    ("gk_report_flow", "年度报告定稿、发布或撤回"),
    // 内网办公 · 文件传输
    ("oa_upload_start", "开始上传文件"),
    ("oa_upload_cancel", "取消上传"),
    ("oa_upload_expire", "清除过期的未完成上传"),
    ("oa_file_upload", "上传文件（内网）"),
    ("oa_file_delete", "删除传输文件"),
    ("oa_file_expire", "清除到期的传输文件"),
    ("oa_share_create", "生成分享链接"),
    ("oa_share_revoke", "撤销分享链接"),
    ("oa_share_edit", "修改分享链接有效期"),
    ("oa_share_password", "分享链接密码错误"),
    ("oa_share_download", "通过分享链接下载"),
    ("oa_share_upload", "通过收集链接上传"),
];

/// What an audit action means.
pub fn action_label(action: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or("其他操作", |(_, l)| *l)
}

#[cfg(test)]
mod tests;
