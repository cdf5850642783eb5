//! 信箱设置 (`/admin/mailbox/settings`, the mailbox office): answer limits per subject,
//! whether assigned units' answers are reviewed, the reasons for not accepting, the form's
//! limits and protections. Checked field by field; saving is audited.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use super::access;
use super::model::Subject;
use super::settings::{self, Settings};
use crate::auth::audit::{self, Event, Outcome as AuditOutcome};
use crate::disclosure::fields::textarea;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell;
use crate::views::form::{Field, FormState, csrf, field, notice};

pub const PATH: &str = "/admin/mailbox/settings";

/// The number fields: name, label, min, max, getter.
type Get = fn(&Settings) -> u32;
type Set = fn(&mut Settings, u32);
const NUMBERS: [(&str, &str, u32, u32, Get, Set); 12] = [
    (
        "title_min",
        "标题最少字数",
        1,
        50,
        |s| s.title_min,
        |s, v| s.title_min = v,
    ),
    (
        "title_max",
        "标题最多字数",
        5,
        100,
        |s| s.title_max,
        |s, v| s.title_max = v,
    ),
    (
        "content_min",
        "内容最少字数",
        1,
        500,
        |s| s.content_min,
        |s, v| s.content_min = v,
    ),
    (
        "content_max",
        "内容最多字数",
        50,
        10000,
        |s| s.content_max,
        |s, v| s.content_max = v,
    ),
    (
        "max_file_mib",
        "单个附件上限（MB）",
        1,
        20,
        |s| s.max_file_mib,
        |s, v| s.max_file_mib = v,
    ),
    (
        "max_files",
        "附件个数上限",
        0,
        10,
        |s| s.max_files,
        |s, v| s.max_files = v,
    ),
    (
        "per_ip_hour",
        "同一网络地址每小时最多来信",
        1,
        100,
        |s| s.per_ip_hour,
        |s, v| s.per_ip_hour = v,
    ),
    (
        "per_phone_day",
        "同一手机号码每天最多来信",
        1,
        50,
        |s| s.per_phone_day,
        |s, v| s.per_phone_day = v,
    ),
    (
        "pow_bits",
        "自动安全验证强度（位）",
        0,
        24,
        |s| s.pow_bits,
        |s, v| s.pow_bits = v,
    ),
    (
        "wait_seconds",
        "未启用脚本时的等待秒数",
        0,
        300,
        |s| s.wait_seconds,
        |s, v| s.wait_seconds = v,
    ),
    (
        "rate_workdays",
        "评价期限（工作日）",
        1,
        60,
        |s| s.rate_workdays,
        |s, v| s.rate_workdays = v,
    ),
    (
        "alarm_days",
        "未答复告警天数",
        10,
        90,
        |s| s.alarm_days,
        |s, v| s.alarm_days = v,
    ),
];

async fn office_only(st: &Shared, s: &Staff) -> Result<()> {
    let units = crate::disclosure::page::load_units(st).await?;
    if access::is_office(&s.user, &units) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "只有区长信箱办公室可以修改信箱设置。".into(),
        ))
    }
}

fn values(s: &Settings) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Subject::ALL
        .iter()
        .map(|k| (format!("wd_{}", k.id()), s.workdays_for(*k).to_string()))
        .collect();
    for (name, _, _, _, get, _) in NUMBERS {
        v.push((name.to_owned(), get(s).to_string()));
    }
    v.push(("reasons".into(), s.reasons.join("\n")));
    if s.review_answers {
        v.push(("review_answers".into(), "on".into()));
    }
    v
}

fn view(st: &Shared, s: &Staff, fs: &FormState) -> Markup {
    let body = html! {
        (notice(fs))
        form method="post" action=(PATH) novalidate {
            (csrf(&s.csrf))
            fieldset.group {
                legend { "答复期限（工作日，受理或转办之日起算）" }
                @for k in Subject::ALL {
                    @let name = format!("wd_{}", k.id());
                    @let label = format!("{}类信件", k.label());
                    (field(&Field::new(&name, &label).kind("number"), fs))
                }
            }
            fieldset.group {
                legend { "答复审核" }
                div.field.check {
                    input #f-review type="checkbox" name="review_answers" checked[fs.value("review_answers") == "on"];
                    label for="f-review" { "承办单位的答复须经信箱办公室审核后再答复写信人" }
                }
            }
            (textarea("reasons", "不予受理的理由（每行一条）", true, 2000, 7, "办理人员从中选择", fs))
            fieldset.group {
                legend { "写信表单与防护" }
                @for (name, label, min, max, _, _) in NUMBERS {
                    @let hint = format!("{min}–{max}");
                    (field(&Field::new(name, label).kind("number").hint(&hint), fs))
                }
            }
            button.primary type="submit" { "保存设置" }
        }
    };
    shell::render(st, s, "区长信箱设置", body)
}

/// GET /admin/mailbox/settings
pub async fn page_settings(State(st): State<Shared>, s: Staff) -> Result<Response> {
    office_only(&st, &s).await?;
    let cur = st.store.read(settings::get).await?;
    let fs = FormState {
        values: values(&cur),
        ..Default::default()
    };
    Ok(page(view(&st, &s, &fs)))
}

fn num(p: &Posted, fs: &mut FormState, name: &str, label: &str, min: u32, max: u32) -> u32 {
    match p.get(name).trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            fs.add_error(name, format!("{label}应为 {min} 到 {max} 之间的整数"));
            min
        }
    }
}

/// POST /admin/mailbox/settings
pub async fn post_settings(State(st): State<Shared>, p: Posted) -> Result<Response> {
    let s = p.staff(&st)?;
    office_only(&st, &s).await?;
    let mut fs = FormState {
        values: p.fields.clone(),
        ..Default::default()
    };
    let mut new = Settings::default();
    for k in Subject::ALL {
        let name = format!("wd_{}", k.id());
        let n = num(
            &p,
            &mut fs,
            &name,
            &format!("{}类信件的答复期限", k.label()),
            1,
            30,
        );
        new.workdays.insert(k.id().to_owned(), n);
    }
    for (name, label, min, max, _, set) in NUMBERS {
        let n = num(&p, &mut fs, name, label, min, max);
        set(&mut new, n);
    }
    new.review_answers = p.get("review_answers") == "on";
    new.reasons = p
        .get("reasons")
        .lines()
        .map(|l| l.trim().chars().take(60).collect::<String>())
        .filter(|l| !l.is_empty())
        .collect();
    if new.reasons.is_empty() {
        fs.add_error("reasons", "请至少填写一条不予受理的理由");
    }
    if new.title_min > new.title_max {
        fs.add_error("title_min", "标题最少字数不能大于最多字数");
    }
    if new.content_min > new.content_max {
        fs.add_error("content_min", "内容最少字数不能大于最多字数");
    }
    if fs.has_errors() {
        return Ok(html_invalid(view(&st, &s, &fs)));
    }
    let now = st.now_ms();
    let user = s.user.username.clone();
    let ip = p.ctx.ip_string();
    st.store
        .write(move |txn| {
            settings::put(txn, &new)?;
            audit::append(
                txn,
                Event {
                    user,
                    unit: String::new(),
                    action: "mb_settings",
                    object: "mailbox:settings".into(),
                    ip,
                    outcome: AuditOutcome::Success,
                    detail: "修改区长信箱设置".into(),
                },
                now,
            )
        })
        .await?;
    Ok(see_other(PATH))
}
