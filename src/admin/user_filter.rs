//! The filters of 账号与角色 (`/admin/users`): 所属单位 (with the units under it), 角色,
//! 状态 and a name search (username or display name contains), all GET parameters kept in
//! the form and in the page links; `PAGE` rows a page. An unknown unit, role or state comes
//! back beside its field (the list then ignores that filter).

use serde::Deserialize;

use crate::auth::lockout;
use crate::auth::model::{Role, Unit, UnitCode, User};
use crate::auth::store::unit_path;
use crate::views::form::FormState;

/// Rows a page.
pub const PAGE: usize = 100;

#[derive(Deserialize, Default, Clone)]
pub struct UserQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// What an account's state may be filtered by (one account may be in several).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Normal,
    Locked,
    Disabled,
    MustChange,
    NoTotp,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Normal,
        State::Locked,
        State::Disabled,
        State::MustChange,
        State::NoTotp,
    ];
    pub fn id(self) -> &'static str {
        match self {
            State::Normal => "normal",
            State::Locked => "locked",
            State::Disabled => "disabled",
            State::MustChange => "must_change",
            State::NoTotp => "no_totp",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            State::Normal => "正常",
            State::Locked => "已锁定",
            State::Disabled => "已停用",
            State::MustChange => "须修改密码",
            State::NoTotp => "未启用两步验证",
        }
    }
    fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.id() == s)
    }
    /// Whether `u` is in this state at `now`. 正常: enabled, not locked anywhere, no
    /// password change pending.
    pub fn holds(self, u: &User, now: i64) -> bool {
        let locked = u.locked(now) || lockout::locked_addresses(u, now) > 0;
        match self {
            State::Normal => !u.disabled && !locked && !u.must_change_password,
            State::Locked => locked,
            State::Disabled => u.disabled,
            State::MustChange => u.must_change_password,
            State::NoTotp => u.totp_secret.is_none(),
        }
    }
}

/// The filters as asked and checked.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub unit: Option<UnitCode>,
    pub role: Option<Role>,
    pub state: Option<State>,
    /// The name search, trimmed (empty: none).
    pub q: String,
    /// 1-based.
    pub page: usize,
}

/// A typed value shown back in a message, cut short.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        t.push('…');
    }
    t
}

/// The filters from the query, and the form's state: the values as typed, a message beside
/// each field whose value names nothing.
pub fn parse(q: &UserQuery, units: &[Unit]) -> (Filter, FormState) {
    let mut fs = FormState::default();
    let mut f = Filter {
        q: q.q.trim().chars().take(64).collect(),
        page: q.page.trim().parse().unwrap_or(1).max(1),
        ..Filter::default()
    };
    for (k, v) in [
        ("unit", &q.unit),
        ("role", &q.role),
        ("state", &q.state),
        ("q", &f.q),
    ] {
        fs.values.push((k.to_owned(), v.trim().to_owned()));
    }
    let unit = q.unit.trim();
    if !unit.is_empty() {
        f.unit = UnitCode::parse(unit)
            .ok()
            .filter(|c| units.iter().any(|u| &u.code == c));
        if f.unit.is_none() {
            fs.add_error("unit", format!("没有单位代码为“{}”的单位", shown(unit)));
        }
    }
    let role = q.role.trim();
    if !role.is_empty() {
        f.role = Role::parse(role);
        if f.role.is_none() {
            fs.add_error(
                "role",
                format!("没有“{}”这个角色，请从列表中选择", shown(role)),
            );
        }
    }
    let state = q.state.trim();
    if !state.is_empty() {
        f.state = State::parse(state);
        if f.state.is_none() {
            fs.add_error(
                "state",
                format!("没有“{}”这个状态，请从列表中选择", shown(state)),
            );
        }
    }
    (f, fs)
}

impl Filter {
    /// Whether any filter is set (the page number aside).
    pub fn any(&self) -> bool {
        self.unit.is_some() || self.role.is_some() || self.state.is_some() || !self.q.is_empty()
    }

    pub fn matches(&self, u: &User, units: &[Unit], now: i64) -> bool {
        if let Some(c) = &self.unit
            && !unit_path(units, &u.unit).contains(c)
        {
            return false;
        }
        if self.role.is_some_and(|r| !u.has_role(r)) {
            return false;
        }
        if self.state.is_some_and(|s| !s.holds(u, now)) {
            return false;
        }
        if !self.q.is_empty() {
            let q = self.q.to_lowercase();
            return u.username.to_lowercase().contains(&q)
                || u.display_name.to_lowercase().contains(&q);
        }
        true
    }

    /// The query string of page `page` with these filters.
    pub fn query(&self, page: usize) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(u) = &self.unit {
            q.append_pair("unit", u.as_str());
        }
        if let Some(r) = self.role {
            q.append_pair("role", r.id());
        }
        if let Some(s) = self.state {
            q.append_pair("state", s.id());
        }
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        q.finish()
    }
}

/// The select options: "all" first, then each choice.
pub fn role_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "全部角色".to_owned()))
        .chain(
            Role::ALL
                .iter()
                .map(|r| (r.id().to_owned(), r.label().to_owned())),
        )
        .collect()
}

pub fn state_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "全部状态".to_owned()))
        .chain(
            State::ALL
                .iter()
                .map(|s| (s.id().to_owned(), s.label().to_owned())),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::UnitKind;

    fn unit(code: &str, parent: Option<&str>) -> Unit {
        Unit::new(
            UnitCode::parse(code).unwrap(),
            code.into(),
            UnitKind::Department,
            parent.map(|p| UnitCode::parse(p).unwrap()),
            0,
        )
    }

    #[test]
    fn unknown_values_are_named_beside_their_fields() {
        let units = vec![unit("gov", None), unit("east", Some("gov"))];
        let q = UserQuery {
            unit: "nowhere".into(),
            role: "boss".into(),
            state: "asleep".into(),
            q: " li ".into(),
            page: "x".into(),
        };
        let (f, fs) = parse(&q, &units);
        assert!(f.unit.is_none() && f.role.is_none() && f.state.is_none());
        assert_eq!((f.q.as_str(), f.page), ("li", 1));
        assert!(fs.error("unit").unwrap().contains("nowhere"));
        assert!(fs.error("role").unwrap().contains("boss"));
        assert!(fs.error("state").unwrap().contains("asleep"));
        let q = UserQuery {
            unit: "east".into(),
            role: "unit_admin".into(),
            state: "no_totp".into(),
            page: "3".into(),
            ..UserQuery::default()
        };
        let (f, fs) = parse(&q, &units);
        assert!(fs.errors.is_empty());
        assert_eq!(f.query(2), "unit=east&role=unit_admin&state=no_totp&page=2");
        assert_eq!(f.page, 3);
    }
}
