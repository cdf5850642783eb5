//! Publishing (信息报送·采集·审核·发布): everything staff do to put an item on the portal.
//!
//! - `flow`: the editorial flow definition (states, transitions, who takes each).
//! - `review`: driving items through it — levels, taking a step, notices, the work-list index,
//!   我的工作, preview, revisions after approval.
//! - `editor`: the staff forms for sites, channels and items, uploads, history.
//! - `catalog`: the 政府信息公开目录 fields: 索引号 at publication, the code tables, the
//!   20-working-day flag.
//! - `checks`: the content checks run before approval and publishing, and their rules page.
//! - `store`: every write of an article (the public side only reads them).
//! - `diff`: the word-level comparison of two revisions.
//! - `demo`: the demo district's sites, channels and items.
//!
//! The public site (`portal`) never imports this folder.

pub mod catalog;
pub mod checks;
pub mod demo;
pub mod diff;
pub mod editor;
pub mod flow;
pub mod review;
pub mod routes;
pub mod selfcheck;
pub mod store;

use crate::auth::permission::Action;
use crate::staff::registry::{NavEntry, Shows};

/// Publishing's places in the staff navigation and on the workbench.
pub const NAV: &[NavEntry] = &[
    NavEntry::new(
        "/admin/articles",
        "信息发布",
        Shows::AnyUnit(Action::WriteContent),
    )
    .tile("撰写、报送、审核、发布本单位的信息"),
    NavEntry::new(
        "/admin/selfcheck",
        "网站自查",
        Shows::AnyUnit(Action::ManageSite),
    )
    .tile("首页和栏目更新、空白栏目、站内链接、页脚标识，按全国检查指标逐站检查"),
    NavEntry::new(
        "/admin/sites",
        "站点与栏目",
        Shows::AnyUnit(Action::ManageSite),
    )
    .tile("站点名称、主题色、绑定域名和栏目设置"),
    NavEntry::new(
        "/admin/checks",
        "发布检查规则",
        Shows::Rule(checks::rules_admin::nav_allowed),
    )
    .tile("禁用词、敏感词、规范表述和允许的附件类型"),
];
