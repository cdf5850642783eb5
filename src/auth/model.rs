//! Accounts, units, roles: the types and their rules. No I/O here.

use serde::{Deserialize, Serialize};

/// Kinds of unit in the tree (GLOSSARY: The organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Government,
    Office,
    Department,
    Subdistrict,
    Community,
    PublicBody,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Government,
        UnitKind::Office,
        UnitKind::Department,
        UnitKind::Subdistrict,
        UnitKind::Community,
        UnitKind::PublicBody,
    ];
    pub fn id(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Office => "office",
            UnitKind::Department => "department",
            UnitKind::Subdistrict => "subdistrict",
            UnitKind::Community => "community",
            UnitKind::PublicBody => "public_body",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Government => "区政府",
            UnitKind::Office => "政府办公室",
            UnitKind::Department => "部门",
            UnitKind::Subdistrict => "街道办事处",
            UnitKind::Community => "社区",
            UnitKind::PublicBody => "公共企事业单位",
        }
    }
    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// A short unit code: 2–16 characters of lower-case ASCII letters, digits and '-'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<UnitCode, &'static str> {
        let s = s.trim();
        if s.len() < 2 || s.len() > 16 {
            return Err("单位代码应为 2 到 16 个字符");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("单位代码只能包含小写字母、数字和连字符");
        }
        Ok(UnitCode(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&s)
    }
}
impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}
impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
    pub created_ms: i64,
    /// Contacts, hours, credit code and the disclosure-duty flag (组织机构 page).
    #[serde(default)]
    pub profile: UnitProfile,
    /// 已撤销: keeps its history and items; its accounts are disabled and nothing new is
    /// placed in it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

impl Unit {
    /// A unit as first entered: no profile yet, not retired.
    pub fn new(
        code: UnitCode,
        name: String,
        kind: UnitKind,
        parent: Option<UnitCode>,
        created_ms: i64,
    ) -> Unit {
        Unit {
            code,
            name,
            kind,
            parent,
            created_ms,
            profile: UnitProfile::default(),
            retired: false,
        }
    }

    /// Whether it has government information disclosure duties (政务公开): as set, else
    /// government bodies do (区政府, 办公室, 部门, 街道) and communities and public bodies not.
    pub fn discloses(&self) -> bool {
        self.profile.discloses.unwrap_or(matches!(
            self.kind,
            UnitKind::Government | UnitKind::Office | UnitKind::Department | UnitKind::Subdistrict
        ))
    }
}

/// What the public and colleagues need to know about a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitProfile {
    /// 统一社会信用代码, when entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<CreditCode>,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    /// 办公时间, e.g. "工作日 9:00—12:00，13:30—17:30".
    #[serde(default)]
    pub office_hours: String,
    /// 有政务公开职责; `None`: as its kind suggests (`Unit::discloses`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discloses: Option<bool>,
}

/// A 统一社会信用代码 (GB 32100-2015): 18 characters from the code's own alphabet (no I, O,
/// S, V, Z), the last one a check character over the first 17.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    pub fn parse(s: &str) -> Result<CreditCode, String> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(format!(
                "统一社会信用代码应为 18 位，这里是 {} 位",
                s.chars().count()
            ));
        }
        let mut values = Vec::with_capacity(18);
        for (i, b) in s.bytes().enumerate() {
            match CREDIT_ALPHABET.iter().position(|c| *c == b) {
                Some(v) => values.push(v as u32),
                None => {
                    return Err(format!(
                        "统一社会信用代码第 {} 位“{}”不是有效字符（只用数字和除 I、O、S、V、Z 以外的大写字母）",
                        i + 1,
                        s.chars().nth(i).unwrap_or('?')
                    ));
                }
            }
        }
        let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        let want = (31 - sum % 31) % 31;
        if values[17] != want {
            return Err("统一社会信用代码校验位不符，请核对是否抄错".into());
        }
        Ok(CreditCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CreditCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s)
    }
}
impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

/// Roles. The last three are the separated admin duties (三员分立).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reporter,
    Reviewer,
    Publisher,
    UnitAdmin,
    Sysadmin,
    Secadmin,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Reporter,
        Role::Reviewer,
        Role::Publisher,
        Role::UnitAdmin,
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Reviewer => "reviewer",
            Role::Publisher => "publisher",
            Role::UnitAdmin => "unit_admin",
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Reporter => "信息员",
            Role::Reviewer => "审核人",
            Role::Publisher => "发布人",
            Role::UnitAdmin => "单位管理员",
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计管理员",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == s)
    }
    /// One of the three separated admin duties.
    pub fn is_separated_admin(self) -> bool {
        matches!(self, Role::Sysadmin | Role::Secadmin | Role::Auditor)
    }
    /// Roles for which config can make two-factor login mandatory.
    pub fn is_admin(self) -> bool {
        self.is_separated_admin() || self == Role::UnitAdmin
    }
}

/// A role held over a unit (and the units below it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit: UnitCode,
}

/// The separated admin duty (系统管理员 / 安全管理员 / 审计管理员) among `grants`, if any
/// (三员分立 allows at most one).
pub fn duty_of(grants: &[Grant]) -> Option<Role> {
    grants
        .iter()
        .map(|g| g.role)
        .find(|r| r.is_separated_admin())
}

/// 三员分立: no account may hold two of sysadmin, secadmin, auditor.
pub fn check_separation(grants: &[Grant]) -> Result<(), &'static str> {
    let mut seen: Option<Role> = None;
    for g in grants {
        if g.role.is_separated_admin() {
            match seen {
                Some(r) if r != g.role => {
                    return Err(
                        "三员分立：同一账号不能同时担任系统管理员、安全管理员、审计管理员中的两个",
                    );
                }
                _ => seen = Some(g.role),
            }
        }
    }
    Ok(())
}

/// A username: 3–32 characters of ASCII letters, digits, '_', '.', '-'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, &'static str> {
        let s = s.trim();
        if s.len() < 3 || s.len() > 32 {
            return Err("用户名应为 3 到 32 个字符");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Err("用户名只能包含字母、数字、下划线、点和连字符");
        }
        Ok(Username(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The uniqueness key: usernames are unique regardless of case.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub display_name: String,
    pub unit: UnitCode,
    pub grants: Vec<Grant>,
    pub password_hash: String,
    pub must_change_password: bool,
    /// Wrong passwords for this account from every address together, since the last quiet
    /// spell (`auth::lockout`: the account-wide slow-down).
    pub failed_logins: u32,
    /// Locked everywhere until then (too many wrong 动态验证码); per-address locks are in
    /// `login_guard`.
    pub locked_until_ms: Option<i64>,
    /// Base32 TOTP secret once enrolled.
    pub totp_secret: Option<String>,
    /// Last TOTP time step accepted, so a code works only once.
    pub totp_last_step: u64,
    /// Wrong 动态验证码 in a row; only a right code resets it (not a right password).
    #[serde(default)]
    pub failed_codes: u32,
    /// Per-address failures and locks, the slow-down clock, addresses logged in from.
    #[serde(default)]
    pub login_guard: LoginGuard,
    pub disabled: bool,
    /// Bumped by "log out everywhere" and password changes; older sessions stop working.
    pub session_epoch: u64,
    pub created_ms: i64,
    pub password_changed_ms: i64,
    /// When the account last signed in fully (after two-factor login when enrolled); `None`
    /// never (or before this was recorded).
    #[serde(default)]
    pub last_login_ms: Option<i64>,
}

/// What `auth::lockout` keeps on a user record (absent in records from older versions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginGuard {
    /// When the last wrong password for the account came, from any address.
    #[serde(default)]
    pub last_failed_ms: i64,
    /// When the last password attempt was let through while the account was slowed down.
    #[serde(default)]
    pub last_checked_ms: i64,
    /// Wrong passwords in a row from each client address (IPv6: its /64).
    #[serde(default)]
    pub by_address: Vec<AddressFailures>,
    /// Addresses the account logged in from (fully), newest first; never slowed down.
    #[serde(default)]
    pub known_addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressFailures {
    pub address: String,
    pub count: u32,
    pub last_ms: i64,
    pub locked_until_ms: Option<i64>,
}

impl User {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_admin())
    }
    /// The separated admin duty the account holds, if any.
    pub fn duty(&self) -> Option<Role> {
        duty_of(&self.grants)
    }
    /// Holds one of the three separated admin duties: changes to the account made in the
    /// panel need a second person's approval, and two-factor login is mandatory.
    pub fn is_privileged(&self) -> bool {
        self.duty().is_some()
    }
    /// Must enrol two-factor login before doing anything else: always for the three duties,
    /// and for unit admins too when `admins_too` (`auth.totp_required_for_admins`).
    pub fn must_enrol_totp(&self, admins_too: bool) -> bool {
        self.totp_secret.is_none() && (self.is_privileged() || (admins_too && self.is_admin()))
    }
    pub fn locked(&self, now_ms: i64) -> bool {
        self.locked_until_ms.is_some_and(|t| t > now_ms)
    }
}

/// The password rules (configurable): length, character classes, not containing the username.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    pub min_len: usize,
    pub min_classes: usize,
}

impl PasswordPolicy {
    pub fn check(&self, password: &str, username: &str) -> Result<(), String> {
        let n = password.chars().count();
        if n < self.min_len {
            return Err(format!("密码至少需要 {} 个字符", self.min_len));
        }
        if n > 128 {
            return Err("密码不能超过 128 个字符".into());
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            return Err(format!(
                "密码需包含小写字母、大写字母、数字、符号中的至少 {} 类",
                self.min_classes
            ));
        }
        if !username.is_empty()
            && password
                .to_lowercase()
                .contains(&username.to_ascii_lowercase())
        {
            return Err("密码不能包含用户名".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checked_by_their_check_character() {
        for ok in [
            "91350100M000100Y43",
            "11320100MB1234567A",
            "11320100mb1234567a",
        ] {
            assert!(CreditCode::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            CreditCode::parse("11320100mb1234567a").unwrap().as_str(),
            "11320100MB1234567A"
        );
        let e = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert!(e.contains("校验位不符"), "{e}");
        let e = CreditCode::parse("91350100M000100Y4").unwrap_err();
        assert!(e.contains("18 位"), "{e}");
        let e = CreditCode::parse("91350100M0001O0Y43").unwrap_err();
        assert!(e.contains("第 14 位“O”"), "{e}");
    }

    #[test]
    fn password_policy() {
        let p = PasswordPolicy {
            min_len: 10,
            min_classes: 3,
        };
        assert!(p.check("short1A!", "bob").is_err());
        assert!(p.check("alllowercaseletters", "bob").is_err());
        assert!(p.check("Longenough12", "bob").is_ok());
        assert!(p.check("xxBob-Secret12", "bob").is_err());
    }

    #[test]
    fn separation_of_duties() {
        let g = |role| Grant {
            role,
            unit: UnitCode::parse("gov").unwrap(),
        };
        assert!(check_separation(&[g(Role::Sysadmin), g(Role::Reporter)]).is_ok());
        assert!(check_separation(&[g(Role::Sysadmin), g(Role::Auditor)]).is_err());
        assert!(check_separation(&[g(Role::Secadmin), g(Role::Auditor)]).is_err());
    }

    #[test]
    fn codes_and_names_parse() {
        assert!(UnitCode::parse("gov-office").is_ok());
        assert!(UnitCode::parse("Gov").is_err());
        assert!(UnitCode::parse("x").is_err());
        assert!(Username::parse("li.ming").is_ok());
        assert!(Username::parse("李明").is_err());
    }
}
