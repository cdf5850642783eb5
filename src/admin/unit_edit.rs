//! One unit's page (组织机构 → a unit, 系统管理员): rename it (the root too), change its kind,
//! move it under another parent (never under itself or its own subtree), its 统一社会信用代码
//! (checked with its check character), contacts, office hours and whether it has disclosure
//! duties; and retire it (撤销): it keeps its history and items, its accounts are disabled.
//! Every change is audited with before and after.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use super::units::within;
use crate::auth::audit;
use crate::auth::model::{CreditCode, Unit, UnitCode, UnitKind, UnitProfile, User};
use crate::auth::permission::{Action, Object};
use crate::auth::store as users;
use crate::error::{Error, Result};
use crate::http::Shared;
use crate::http::extract::{Posted, Staff};
use crate::http::respond::{html as page, html_invalid, see_other};
use crate::staff::shell::{event, render, require};
use crate::views::form::{self, Field, FormState};

/// The unit's current values, as the form shows them.
fn values(u: &Unit) -> FormState {
    FormState {
        values: vec![
            ("name".into(), u.name.clone()),
            ("kind".into(), u.kind.id().into()),
            (
                "parent".into(),
                u.parent.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            ),
            (
                "credit_code".into(),
                u.profile
                    .credit_code
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            ("contact".into(), u.profile.contact.clone()),
            ("phone".into(), u.profile.phone.clone()),
            ("address".into(), u.profile.address.clone()),
            ("office_hours".into(), u.profile.office_hours.clone()),
            (
                "discloses".into(),
                if u.discloses() { "1" } else { "" }.into(),
            ),
        ],
        ..Default::default()
    }
}

fn view(
    st: &Shared,
    s: &Staff,
    units: &[Unit],
    u: &Unit,
    fs: &FormState,
    retire_fs: &FormState,
) -> Markup {
    let kinds = super::units::kind_options();
    let parents = super::units::parent_options(units, Some(&u.code));
    let body = html! {
        p { a href="/admin/units" { "返回单位树" } }
        @if u.retired { div.notice role="status" { "该单位已撤销：其信息和历史记录保留，账号已停用。" } }
        section.card aria-labelledby="unit-edit-h" {
            h2 #unit-edit-h { "单位信息" }
            p { "单位代码：" code { (u.code) } "（代码不可修改，网址和记录都以它为准）" }
            (form::notice(fs))
            form method="post" action=(format!("/admin/units/{}", u.code)) novalidate {
                (form::csrf(&s.csrf))
                (form::field(&Field::new("name", "单位名称").hint("不超过 40 个字；区政府（根单位）也可以改名"), fs))
                (form::select("kind", "单位类型", &kinds, fs))
                @if u.parent.is_some() {
                    (form::select("parent", "上级单位（可移到其他单位下）", &parents, fs))
                }
                (form::field(&Field::new("credit_code", "统一社会信用代码").optional().hint("18 位，机关一般以 11 开头；可不填"), fs))
                (form::field(&Field::new("contact", "联系人").optional(), fs))
                (form::field(&Field::new("phone", "联系电话").optional().kind("tel"), fs))
                (form::field(&Field::new("address", "办公地址").optional(), fs))
                (form::field(&Field::new("office_hours", "办公时间").optional().hint("如：工作日 9:00—12:00，13:30—17:30"), fs))
                div.check {
                    input #f-discloses type="checkbox" name="discloses" value="1" checked[!fs.value("discloses").is_empty()];
                    label for="f-discloses" { "有政务公开职责（信息公开目录、年度报告、依申请公开）" }
                }
                button.primary type="submit" { "保存单位信息" }
            }
        }
        @if u.parent.is_some() && !u.retired {
            section.card aria-labelledby="unit-retire-h" {
                h2 #unit-retire-h { "撤销单位" }
                p { "机构调整后撤销：单位的信息、栏目和历史记录都保留，不再出现在新建账号和新建单位的选项中，单位下的账号全部停用。须先移走或撤销其下级单位。" }
                (form::notice(retire_fs))
                form method="post" action=(format!("/admin/units/{}/retire", u.code)) novalidate {
                    (form::csrf(&s.csrf))
                    @let err = retire_fs.error("confirm");
                    div.check.has-error[err.is_some()] {
                        @if let Some(e) = err { p.error #f-confirm-err role="alert" { (e) } }
                        input #f-confirm type="checkbox" name="confirm" value="1" aria-describedby=[err.map(|_| "f-confirm-err")];
                        label for="f-confirm" { "我确认撤销“" (u.name) "”并停用其账号" }
                    }
                    button.danger type="submit" { "撤销" (u.name) }
                }
            }
        }
    };
    render(st, s, &format!("组织机构：{}", u.name), body)
}

async fn load(st: &Shared, code: &str) -> Result<(Vec<Unit>, Unit)> {
    let units = st.store.read(users::list_units).await?;
    let code = UnitCode::parse(code).map_err(|_| Error::NotFound)?;
    let u = units
        .iter()
        .find(|u| u.code == code)
        .cloned()
        .ok_or(Error::NotFound)?;
    Ok((units, u))
}

pub async fn show(
    State(st): State<Shared>,
    s: Staff,
    Path(code): Path<String>,
) -> Result<Response> {
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let (units, u) = load(&st, &code).await?;
    let fs = values(&u);
    Ok(page(view(&st, &s, &units, &u, &fs, &FormState::default())))
}

/// The posted form read into the unit, or the form with its errors.
fn read(p: &Posted, units: &[Unit], before: &Unit) -> std::result::Result<Unit, FormState> {
    let mut fs = FormState {
        values: p.kept(),
        ..Default::default()
    };
    let mut u = before.clone();
    let name = p.get("name").trim();
    if name.is_empty() || name.chars().count() > 40 {
        fs.add_error("name", "请填写单位名称（不超过 40 个字）");
    }
    u.name = name.to_owned();
    match UnitKind::parse(p.get("kind")) {
        Some(k) => u.kind = k,
        None => fs.add_error("kind", "请选择单位类型"),
    }
    if before.parent.is_some() {
        match UnitCode::parse(p.get("parent")) {
            Ok(c) if within(units, &c, &before.code) => {
                fs.add_error("parent", "不能移到本单位或其下级单位之下")
            }
            Ok(c) if units.iter().any(|x| x.code == c && !x.retired) => u.parent = Some(c),
            _ => fs.add_error("parent", "请选择上级单位（已撤销的单位不能再有下级）"),
        }
    }
    let credit = p.get("credit_code").trim();
    let credit_code = if credit.is_empty() {
        None
    } else {
        match CreditCode::parse(credit) {
            Ok(c) => Some(c),
            Err(e) => {
                fs.add_error("credit_code", e);
                None
            }
        }
    };
    let text = |fs: &mut FormState, key: &str, label: &str, max: usize| {
        let v = p.get(key).trim().to_owned();
        if v.chars().count() > max {
            fs.add_error(key, format!("{label}不超过 {max} 个字"));
        }
        v
    };
    u.profile = UnitProfile {
        credit_code,
        contact: text(&mut fs, "contact", "联系人", 20),
        phone: text(&mut fs, "phone", "联系电话", 40),
        address: text(&mut fs, "address", "办公地址", 100),
        office_hours: text(&mut fs, "office_hours", "办公时间", 100),
        discloses: Some(!p.get("discloses").is_empty()),
    };
    if fs.has_errors() { Err(fs) } else { Ok(u) }
}

/// "名称：甲 → 乙；上级单位：…" for the audit record.
fn changes(units: &[Unit], a: &Unit, b: &Unit) -> String {
    let name_of = |c: &Option<UnitCode>| {
        c.as_ref()
            .map(|c| {
                units
                    .iter()
                    .find(|u| &u.code == c)
                    .map_or_else(|| c.to_string(), |u| u.name.clone())
            })
            .unwrap_or_default()
    };
    let credit = |u: &Unit| {
        u.profile
            .credit_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default()
    };
    let pairs = [
        ("名称", a.name.clone(), b.name.clone()),
        ("类型", a.kind.label().into(), b.kind.label().into()),
        ("上级单位", name_of(&a.parent), name_of(&b.parent)),
        ("统一社会信用代码", credit(a), credit(b)),
        (
            "联系人",
            a.profile.contact.clone(),
            b.profile.contact.clone(),
        ),
        ("联系电话", a.profile.phone.clone(), b.profile.phone.clone()),
        (
            "办公地址",
            a.profile.address.clone(),
            b.profile.address.clone(),
        ),
        (
            "办公时间",
            a.profile.office_hours.clone(),
            b.profile.office_hours.clone(),
        ),
        (
            "政务公开职责",
            if a.discloses() { "有" } else { "无" }.into(),
            if b.discloses() { "有" } else { "无" }.into(),
        ),
    ];
    pairs
        .iter()
        .filter(|(_, x, y)| x != y)
        .map(|(k, x, y)| format!("{k}：{x} → {y}"))
        .collect::<Vec<_>>()
        .join("；")
}

pub async fn submit(
    State(st): State<Shared>,
    Path(code): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let (units, before) = load(&st, &code).await?;
    let after = match read(&p, &units, &before) {
        Ok(u) => u,
        Err(fs) => {
            return Ok(html_invalid(view(
                &st,
                &s,
                &units,
                &before,
                &fs,
                &FormState::default(),
            )));
        }
    };
    let detail = changes(&units, &before, &after);
    if detail.is_empty() {
        return Ok(see_other(&format!("/admin/units/{code}")));
    }
    let ev = event(
        &s.user,
        &p.ctx,
        "unit_update",
        format!("unit:{}", after.code),
        true,
        detail,
    );
    let now = st.now_ms();
    st.store
        .write(move |txn| {
            users::put_unit(txn, &after)?;
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other("/admin/units"))
}

/// Why the unit cannot be retired now, if it cannot.
fn retire_refusal(units: &[Unit], all: &[User], u: &Unit) -> Option<String> {
    if u.parent.is_none() {
        return Some("区政府（根单位）不能撤销".into());
    }
    let children: Vec<&str> = units
        .iter()
        .filter(|x| x.parent.as_ref() == Some(&u.code) && !x.retired)
        .map(|x| x.name.as_str())
        .collect();
    if !children.is_empty() {
        return Some(format!("请先移走或撤销其下级单位：{}", children.join("、")));
    }
    // The three duties' accounts change only with a second admin (账号审批): not here.
    let duties: Vec<&str> = all
        .iter()
        .filter(|x| x.unit == u.code && !x.disabled && x.is_privileged())
        .map(|x| x.display_name.as_str())
        .collect();
    if !duties.is_empty() {
        return Some(format!(
            "该单位有三员账号（{}），请先由安全管理员按三员流程调整或停用后再撤销",
            duties.join("、")
        ));
    }
    None
}

pub async fn retire(
    State(st): State<Shared>,
    Path(code): Path<String>,
    p: Posted,
) -> Result<Response> {
    let s = p.staff(&st)?;
    require(&st, &s, Action::RunSystem, Object::System).await?;
    let (units, u) = load(&st, &code).await?;
    let all = st.store.read(users::list_users).await?;
    let mut rf = FormState::default();
    if p.get("confirm").is_empty() {
        rf.add_error("confirm", "请勾选确认后再撤销");
    } else if let Some(why) = retire_refusal(&units, &all, &u) {
        rf.notice = Some(why);
    }
    if rf.has_errors() || u.retired {
        return Ok(html_invalid(view(&st, &s, &units, &u, &values(&u), &rf)));
    }
    let disabled: Vec<String> = all
        .iter()
        .filter(|x| x.unit == u.code && !x.disabled)
        .map(|x| x.username.clone())
        .collect();
    let ev = event(
        &s.user,
        &p.ctx,
        "unit_retire",
        format!("unit:{}", u.code),
        true,
        if disabled.is_empty() {
            format!("{}，无账号", u.name)
        } else {
            format!("{}，停用账号：{}", u.name, disabled.join("、"))
        },
    );
    let now = st.now_ms();
    let mut retired = u.clone();
    retired.retired = true;
    st.store
        .write(move |txn| {
            users::put_unit(txn, &retired)?;
            for mut x in users::list_users_w(txn)? {
                if x.unit == retired.code && !x.disabled {
                    x.disabled = true;
                    x.session_epoch += 1;
                    users::save_user(txn, &x)?;
                }
            }
            audit::append(txn, ev, now).map(|_| ())
        })
        .await?;
    Ok(see_other(&format!("/admin/units/{code}")))
}
