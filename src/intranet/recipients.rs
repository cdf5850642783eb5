//! Choosing who something goes to, shared by documents, meeting notices and file sends:
//! units as checkboxes (grouped under their parent unit, one fieldset and legend each) and
//! people by account name; parsing the choice back with a message beside the field.

use maud::{Markup, html};

use super::model::Addressee;
use crate::auth::model::{UnitCode, User};
use crate::auth::units::Units;
use crate::views::form::FormState;

/// The form field names.
pub const UNIT_FIELD: &str = "to_unit";
pub const PEOPLE_FIELD: &str = "to_people";

/// The units that may be chosen: every live unit, or only those under `within` (not itself),
/// in tree order, grouped by parent: (the group's name, [(code, name)]).
pub fn groups(units: &Units, within: Option<&UnitCode>) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (_, u) in crate::auth::store::tree_order(&units.units) {
        if u.retired {
            continue;
        }
        if let Some(w) = within
            && (&u.code == w || !units.path(&u.code).contains(w))
        {
            continue;
        }
        let parent = match &u.parent {
            Some(p) => format!("{}下属单位", units.name(p)),
            None => "本级".to_owned(),
        };
        match out.iter_mut().find(|(p, _)| *p == parent) {
            Some((_, v)) => v.push((u.code.to_string(), u.name.clone())),
            None => out.push((parent, vec![(u.code.to_string(), u.name.clone())])),
        }
    }
    out
}

/// The picker. `people` offers the account-name field (forwarding down the tree does not).
pub fn picker(
    legend: &str,
    units: &Units,
    within: Option<&UnitCode>,
    people: bool,
    st: &FormState,
) -> Markup {
    let chosen: Vec<&str> = st
        .values
        .iter()
        .filter(|(k, _)| k == UNIT_FIELD)
        .map(|(_, v)| v.as_str())
        .collect();
    let err = st.error(UNIT_FIELD);
    html! {
        fieldset.recipients.has-error[err.is_some()] #f-to_unit aria-describedby=[err.map(|_| "f-to_unit-err")] {
            legend { (legend) }
            @if let Some(e) = err { p.error #f-to_unit-err role="alert" { (e) } }
            @for (i, (parent, list)) in groups(units, within).iter().enumerate() {
                fieldset.unit-group {
                    legend { (parent) }
                    @for (code, name) in list {
                        @let id = format!("to-{i}-{code}");
                        div.check {
                            input type="checkbox" id=(id) name=(UNIT_FIELD) value=(code) checked[chosen.contains(&code.as_str())];
                            label for=(id) { (name) }
                        }
                    }
                }
            }
        }
        @if people {
            (crate::views::form::field(
                &crate::views::form::Field::new(PEOPLE_FIELD, "收件人（账号）")
                    .optional()
                    .hint("发给个人时填写对方的登录账号，多个用逗号或空格分隔。"),
                st,
            ))
        }
    }
}

/// The chosen addressees, or the messages to show beside the fields. `within` limits the
/// units as the picker did.
pub fn parse(
    fields: &[(String, String)],
    units: &Units,
    users: &[User],
    within: Option<&UnitCode>,
) -> Result<Vec<Addressee>, Vec<(String, String)>> {
    let allowed = groups(units, within);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in fields {
        if k == UNIT_FIELD {
            let ok = allowed
                .iter()
                .flat_map(|(_, l)| l)
                .any(|(code, _)| code == v);
            match UnitCode::parse(v) {
                Ok(code) if ok => out.push(Addressee::Unit(code)),
                _ => errors.push((UNIT_FIELD.to_owned(), format!("不能发往“{v}”"))),
            }
        }
    }
    let people = fields
        .iter()
        .filter(|(k, _)| k == PEOPLE_FIELD)
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut unknown = Vec::new();
    for name in people
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|s| !s.is_empty())
    {
        match users
            .iter()
            .find(|u| !u.disabled && u.username.eq_ignore_ascii_case(name))
        {
            Some(u) => out.push(Addressee::Person(u.id)),
            None => unknown.push(name.to_owned()),
        }
    }
    if !unknown.is_empty() {
        errors.push((
            PEOPLE_FIELD.to_owned(),
            format!("找不到这些账号（或已停用）：{}", unknown.join("、")),
        ));
    }
    out.sort();
    out.dedup();
    if out.is_empty() && errors.is_empty() {
        errors.push((
            UNIT_FIELD.to_owned(),
            "请至少选择一个单位或填写一个收件人".to_owned(),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Every enabled account `to` reaches: the person, or everyone of the unit (for notices).
pub fn people_of<'a>(to: &[Addressee], users: &'a [User]) -> Vec<&'a User> {
    users
        .iter()
        .filter(|u| to.iter().any(|a| a.includes(u)))
        .collect()
}

/// Pushes `notice` to every enabled account `to` reaches (but `except`, the sender), in the
/// caller's transaction.
pub fn tell(
    txn: &redb::WriteTransaction,
    to: &[Addressee],
    except: Option<u64>,
    notice: &crate::notify::store::NewNotice,
    now: i64,
) -> crate::error::Result<()> {
    let users = crate::auth::store::list_users_w(txn)?;
    for p in people_of(to, &users) {
        if Some(p.id) != except {
            crate::notify::store::push(txn, p.id, notice.clone(), now)?;
        }
    }
    Ok(())
}
