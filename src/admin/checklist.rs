//! 上线前检查清单: what a new installation still lacks, on the workbench of the 系统管理员 and
//! the 安全管理员 until every line is done (as Drupal's status report does). Each line links to
//! the page that fixes it.

use maud::{Markup, html};

use crate::auth::model::{Role, User};
use crate::auth::units::Units;
use crate::config::Config;
use crate::error::Result;
use crate::http::Shared;

/// One line of the checklist.
pub struct Line {
    pub done: bool,
    pub text: String,
    pub href: &'static str,
    pub fix: &'static str,
}

/// Whether the site's name and footer identifiers differ from the shipped placeholders.
fn identifiers_set(cfg: &Config) -> bool {
    let d = Config::default();
    cfg.site.name != d.site.name
        && cfg.site.site_id_code != d.site.site_id_code
        && cfg.site.icp_no != d.site.icp_no
        && cfg.site.psb_no != d.site.psb_no
        && cfg.site.sponsor != d.site.sponsor
}

fn holders<'a>(users: &'a [User], role: Role) -> impl Iterator<Item = &'a User> + 'a {
    users
        .iter()
        .filter(move |u| !u.disabled && u.has_role(role))
}

/// Units whose channels need a review level nobody can work: "区商务局缺少发布人".
fn missing_handlers(st: &Shared, users: &[User], units: &Units) -> Vec<String> {
    let snap = st.portal().snapshot();
    let mut out = Vec::new();
    for site in &snap.sites {
        let levels = snap
            .channels_of(&site.unit)
            .filter(|c| c.kind == crate::portal::model::ChannelKind::List)
            .map(|c| if site.is_main { 2 } else { c.review_levels })
            .max();
        let Some(levels) = levels else { continue };
        let has = |role: Role, office: bool| {
            !crate::publishing::review::levels::holders(users, units, &site.unit, role, office)
                .is_empty()
        };
        let mut lacks = Vec::new();
        if site.is_main {
            if !has(Role::Reviewer, true) {
                lacks.push("区政府办公室的审核人");
            }
            if !has(Role::Publisher, true) {
                lacks.push("区政府办公室的发布人");
            }
        } else {
            if levels >= 1 && !has(Role::Reviewer, false) {
                lacks.push("审核人");
            }
            if !has(Role::Publisher, false) {
                lacks.push("发布人");
            }
        }
        if !lacks.is_empty() {
            out.push(format!("{}缺少{}", site.name, lacks.join("、")));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The years the calendar should have by now and lacks: this year, and from November (when
/// the State Council normally publishes it) next year.
fn calendar_missing(st: &Shared) -> Vec<i32> {
    let today = st.clock.now().to_offset(crate::clock::CST).date();
    let mut want = vec![today.year()];
    if u8::from(today.month()) >= 11 {
        want.push(today.year() + 1);
    }
    let cal = st.calendar();
    want.into_iter().filter(|y| !cal.covers_year(*y)).collect()
}

/// Every line, done or not.
pub async fn lines(st: &Shared) -> Result<Vec<Line>> {
    let (users, all_units) = st
        .store
        .read(|txn| {
            Ok((
                crate::auth::store::list_users(txn)?,
                crate::auth::store::list_units(txn)?,
            ))
        })
        .await?;
    let units = Units::new(all_units);
    let cfg = st.cfg();
    let missing = missing_handlers(st, &users, &units);
    let without_2fa: Vec<String> = users
        .iter()
        .filter(|u| !u.disabled && u.is_admin() && u.totp_secret.is_none())
        .map(|u| u.display_name.clone())
        .collect();
    let missing_years = calendar_missing(st);
    Ok(vec![
        Line {
            done: identifiers_set(&cfg),
            text: "网站名称和页脚标识（主办单位、网站标识码、ICP 备案编号、公安机关备案号）已填写本单位的".into(),
            href: "/admin/settings",
            fix: "去系统设置填写",
        },
        Line {
            done: holders(&users, Role::Secadmin).next().is_some(),
            text: "已有安全管理员（管理账号与角色）".into(),
            href: "/admin/users/new",
            fix: "去创建安全管理员",
        },
        Line {
            done: holders(&users, Role::Auditor).next().is_some(),
            text: "已有审计管理员（查阅审计日志）".into(),
            href: "/admin/users/new",
            fix: "去创建审计管理员",
        },
        Line {
            done: missing.is_empty(),
            text: if missing.is_empty() {
                "每个需要审核的站点都有审核人和发布人".into()
            } else {
                format!("每个需要审核的站点都有审核人和发布人：{}", missing.join("；"))
            },
            href: "/admin/users",
            fix: "去账号与角色添加",
        },
        Line {
            done: cfg.backup.daily,
            text: "已开启每日自动备份".into(),
            href: "/admin/settings",
            fix: "去系统设置开启",
        },
        Line {
            done: missing_years.is_empty(),
            text: if missing_years.is_empty() {
                "工作日历已有今年（11月起还有明年）的节假日安排".into()
            } else {
                format!(
                    "工作日历已有今年（11月起还有明年）的节假日安排：缺{}",
                    missing_years
                        .iter()
                        .map(|y| format!("{y}年"))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            },
            href: "/admin/calendar",
            fix: "去工作日历录入",
        },
        Line {
            done: without_2fa.is_empty(),
            text: if without_2fa.is_empty() {
                "所有管理员都已启用两步验证".into()
            } else {
                format!("所有管理员都已启用两步验证：{} 尚未启用", without_2fa.join("、"))
            },
            href: "/admin/users",
            fix: "查看账号",
        },
    ])
}

/// The checklist for the workbench, while a line is still open.
pub fn markup(lines: &[Line]) -> Option<Markup> {
    let open = lines.iter().filter(|l| !l.done).count();
    (open > 0).then(|| {
        html! {
            section.card.checklist aria-labelledby="checklist-h" {
                h2 #checklist-h { "上线前检查清单（还有 " (open) " 项）" }
                ul {
                    @for l in lines {
                        li class=(if l.done { "done" } else { "open" }) {
                            span.state { @if l.done { "已完成" } @else { "待完成" } }
                            " " (l.text)
                            @if !l.done { " " a href=(l.href) { (l.fix) } }
                        }
                    }
                }
            }
        }
    })
}
