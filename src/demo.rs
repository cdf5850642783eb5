//! The demo district: `--demo` on an empty data folder fills it with a unit tree and a
//! staff account for each role, so a newcomer sees the whole product at once.
//! All names and text here are written for this project.

use crate::auth::audit::{self, Event, Outcome};
use crate::auth::model::{Grant, Role, Unit, UnitCode, UnitKind, Username};
use crate::auth::password;
use crate::auth::store::{self as users, NewUser};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::Store;

/// (code, name, kind, parent)
const UNITS: &[(&str, &str, UnitKind, Option<&str>)] = &[
    ("gov", "", UnitKind::Government, None),
    ("office", "区人民政府办公室", UnitKind::Office, Some("gov")),
    ("commerce", "区商务局", UnitKind::Department, Some("gov")),
    ("edu", "区文教体局", UnitKind::Department, Some("gov")),
    ("safety", "区应急管理局", UnitKind::Department, Some("gov")),
    ("civil", "区民政局", UnitKind::Department, Some("gov")),
    (
        "sd-east",
        "东山街道办事处",
        UnitKind::Subdistrict,
        Some("gov"),
    ),
    (
        "c-dongshan",
        "东山社区居民委员会",
        UnitKind::Community,
        Some("sd-east"),
    ),
    (
        "c-xiangyang",
        "向阳社区居民委员会",
        UnitKind::Community,
        Some("sd-east"),
    ),
    (
        "sd-west",
        "西湖街道办事处",
        UnitKind::Subdistrict,
        Some("gov"),
    ),
    (
        "c-hubin",
        "湖滨社区居民委员会",
        UnitKind::Community,
        Some("sd-west"),
    ),
    (
        "c-xinhua",
        "新华社区居民委员会",
        UnitKind::Community,
        Some("sd-west"),
    ),
    ("water", "区供水有限公司", UnitKind::PublicBody, Some("gov")),
];

/// (username, display name, unit, role)
const STAFF: &[(&str, &str, &str, Role)] = &[
    ("sysadmin", "周系统", "office", Role::Sysadmin),
    ("secadmin", "吴安全", "office", Role::Secadmin),
    ("auditor", "郑审计", "office", Role::Auditor),
    ("office-admin", "王管理", "office", Role::UnitAdmin),
    ("office-reviewer", "冯审核", "office", Role::Reviewer),
    ("office-publisher", "陈发布", "office", Role::Publisher),
    ("commerce-writer", "褚信息", "commerce", Role::Reporter),
    ("commerce-reviewer", "卫审核", "commerce", Role::Reviewer),
    ("east-writer", "蒋信息", "sd-east", Role::Reporter),
    ("hubin-writer", "沈信息", "c-hubin", Role::Reporter),
    ("commerce-publisher", "韩发布", "commerce", Role::Publisher),
    ("east-reviewer", "杨审核", "sd-east", Role::Reviewer),
    ("east-publisher", "朱发布", "sd-east", Role::Publisher),
];

pub struct DemoAccount {
    pub username: String,
    pub role_label: &'static str,
    pub password: String,
    /// One of the three separated admin duties: the first login leads to two-factor enrolment.
    pub totp_first: bool,
}

fn demo_password() -> String {
    let mut b = [0u8; 6];
    crate::ids::fill_random(&mut b);
    format!(
        "Demo-{}9",
        data_encoding::BASE32_NOPAD.encode(&b).to_lowercase()
    )
}

/// Fills the store when it has no units yet, stamped at `now` (the injected clock: the demo is
/// dated by whoever asks, so tests see the same district on any day); returns the accounts created (with their
/// one-time passwords), or `None` when the folder already held data.
pub fn fill(store: &Store, cfg: &Config, now: i64) -> Result<Option<Vec<DemoAccount>>> {
    let empty = store.read_blocking(|txn| Ok(users::list_units(txn)?.is_empty()))?;
    if !empty {
        return Ok(None);
    }
    let mut accounts = Vec::new();
    let mut hashed = Vec::new();
    for (name, _, _, role) in STAFF {
        let pw = demo_password();
        hashed.push(password::hash(&pw)?);
        accounts.push(DemoAccount {
            username: (*name).to_owned(),
            role_label: role.label(),
            password: pw,
            totp_first: role.is_separated_admin(),
        });
    }
    let site = cfg.site.name.clone();
    let gk_hash = password::hash(crate::disclosure::demo::DEMO_PASSWORD)?;
    let mb_hash = password::hash(crate::mailbox::demo::DEMO_PASSWORD)?;
    store.write_blocking(|txn| {
        for (code, name, kind, parent) in UNITS {
            let unit = Unit {
                code: code_of(code)?,
                name: if name.is_empty() {
                    site.clone()
                } else {
                    (*name).to_owned()
                },
                kind: *kind,
                parent: parent.map(code_of).transpose()?,
                created_ms: now,
                profile: demo_profile(code)?,
                retired: false,
            };
            users::create_unit(txn, unit)?.map_err(|e| Error::Internal(e.message))?;
        }
        for ((name, display, unit, role), hash) in STAFF.iter().zip(hashed) {
            let unit = code_of(unit)?;
            users::create_user(
                txn,
                NewUser {
                    username: Username::parse(name).map_err(|e| Error::Internal(e.into()))?,
                    display_name: (*display).to_owned(),
                    unit: unit.clone(),
                    grants: vec![Grant { role: *role, unit }],
                    password_hash: hash,
                    must_change_password: false,
                },
                now,
            )?
            .map_err(|e| Error::Internal(e.message))?;
        }
        crate::publishing::demo::fill(txn, store.blobs(), &site, now)?;
        crate::publishing::checks::rules_store::save(
            txn,
            &crate::publishing::checks::demo::demo_rules(&site),
        )?;
        crate::publishing::review::demo::fill(txn, now)?;
        crate::intranet::demo::fill(txn, store.blobs(), now)?;
        crate::intranet::meetings::demo::fill(txn, now)?;
        crate::disclosure::demo::fill(txn, store.blobs(), &gk_hash, now)?;
        crate::mailbox::demo::fill(txn, &mb_hash, now)?;
        crate::projects::demo::fill(txn, store.blobs(), now)?;
        audit::append(
            txn,
            Event {
                user: "命令行".into(),
                unit: String::new(),
                action: "demo_fill",
                object: "demo".into(),
                ip: String::new(),
                outcome: Outcome::Success,
                detail: format!("{} 个单位，{} 个账号", UNITS.len(), STAFF.len()),
            },
            now,
        )?;
        Ok(())
    })?;
    // 公开年报: last year's district report published, a unit's draft, from the requests above.
    crate::disclosure::report::demo::fill(store, now)?;
    // The self-check's whole-site scan, so its page shows its findings from the start.
    let snap = store.read_blocking(|txn| {
        Ok(crate::portal::Snapshot {
            sites: crate::portal::store::list_sites(txn)?,
            channels: crate::portal::store::all_channels(txn)?,
        })
    })?;
    let hosts = crate::publishing::selfcheck::scan::own_hosts(cfg, &snap);
    let scan = store
        .read_blocking(|txn| crate::publishing::selfcheck::scan::run(txn, &snap, &hosts, now))?;
    store.write_blocking(|txn| crate::publishing::selfcheck::scan::keep(txn, &scan))?;
    Ok(Some(accounts))
}

/// Contacts and hours for the units a visitor deals with most. The credit codes are made
/// up (with a correct check character) and belong to nobody.
fn demo_profile(code: &str) -> Result<crate::auth::model::UnitProfile> {
    let hours = "工作日 上午9:00—12:00，下午1:30—5:30".to_owned();
    let (credit, phone, address) = match code {
        "gov" => (
            "11320100MB1234567A",
            "0000-0000000",
            "示范区政务服务大道1号",
        ),
        "office" => ("", "0000-0000100", "示范区政务服务大道1号二楼"),
        "commerce" => ("", "0000-0000101", "示范区政务服务大道1号三楼"),
        _ => return Ok(Default::default()),
    };
    let credit_code = if credit.is_empty() {
        None
    } else {
        Some(crate::auth::model::CreditCode::parse(credit).map_err(Error::Internal)?)
    };
    Ok(crate::auth::model::UnitProfile {
        credit_code,
        phone: phone.into(),
        address: address.into(),
        office_hours: hours,
        ..Default::default()
    })
}

fn code_of(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| Error::Internal(e.into()))
}
