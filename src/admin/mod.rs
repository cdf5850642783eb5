//! The admin panel and the sign-in pages: first-run setup, login with optional
//! two-factor step, account security, accounts and roles (安全管理员), account requests
//! that need a second admin (账号审批) and the one-time set-password link, the unit tree
//! and system pages (系统管理员), the audit log (审计管理员), statistics of publishing work
//! (统计分析: 系统管理员 and 单位管理员).

pub mod account;
pub mod audit_log;
pub mod calendar;
pub mod checklist;
pub mod cli;
pub mod login;
pub mod request_flow;
pub mod request_store;
pub mod requests;
pub mod restore;
pub mod routes;
pub mod set_password;
pub mod settings;
pub mod setup;
pub mod stats;
pub mod system;
pub mod system_page;
pub mod unit_edit;
pub mod units;
pub mod user_actions;
pub mod user_filter;
pub mod user_import;
pub mod users;

use crate::auth::permission::Action;
use crate::staff::registry::{NavEntry, Shows};

/// The admin panel's places in the staff navigation and on the workbench.
pub const NAV: &[NavEntry] = &[
    NavEntry::new(
        "/admin/users",
        "账号与角色",
        Shows::System(Action::ManageAccounts),
    )
    .tile("新建和批量导入账号、授予角色、重置密码、解除锁定"),
    NavEntry::new(
        "/admin/settings",
        "系统设置",
        Shows::System(Action::RunSystem),
    )
    .tile("网站名称、页脚标识、登录安全、备份等设置，保存即生效"),
    NavEntry::new(
        "/admin/calendar",
        "工作日历",
        Shows::System(Action::RunSystem),
    )
    .tile("法定节假日与调休上班日，所有工作日期限按此计算"),
    NavEntry::new(
        "/admin/stats",
        "统计分析",
        Shows::AnyUnit(Action::ManageSite),
    )
    .tile("各单位、各栏目发布数量，审核用时与待办积压"),
    NavEntry::new("/admin/units", "组织机构", Shows::System(Action::RunSystem))
        .tile("区政府、部门、街道、社区的单位树"),
    NavEntry::new(
        "/admin/system",
        "系统运行",
        Shows::System(Action::RunSystem),
    )
    .tile("配置、存储、备份"),
    NavEntry::new(
        "/admin/shares",
        "分享链接管理",
        Shows::System(Action::RunSystem),
    )
    .tile_only("内网所有有效的分享与收集链接，可撤销")
    .intranet(),
    NavEntry::new("/admin/audit", "审计日志", Shows::System(Action::ReadAudit))
        .tile("查阅全部操作记录并校验哈希链"),
    NavEntry::new(
        "/admin/requests",
        "账号审批",
        Shows::System(Action::ReviewAccountRequests),
    )
    .tile("三员账号的新建、角色和重置须由另一位管理员批准"),
];

/// Every staff member's own account page: a workbench tile (the bar has its own link).
pub const ACCOUNT_NAV: &[NavEntry] = &[NavEntry::new("/account", "账号安全", Shows::Everyone)
    .tile_only("修改密码、两步验证、退出其他设备")];
