//! Quotas: what a person and their unit hold in transferred files and unfinished uploads
//! (`OA_USAGE`: "p/{user:016x}" and "u/{unit}" → bytes), against `intranet.user_quota_mib`
//! and `intranet.unit_quota_mib`. An upload is charged its declared length when it is
//! created, before any byte is read (a deferred one: its bytes as they arrive, then its
//! length once known); a file keeps the charge; removing either gives it back.

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::config::Config;
use crate::error::Result;
use crate::store::tables;

const MIB: u64 = 1024 * 1024;

/// Which quota a charge would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Person,
    Unit,
}

impl Over {
    /// Why the upload is refused, for the person.
    pub fn message(self, limits: &Limits) -> String {
        match self {
            Over::Person => format!(
                "超出个人空间配额（{}）：请先删除不再需要的文件",
                size_text(limits.person)
            ),
            Over::Unit => format!(
                "超出本单位空间配额（{}）：请联系单位同事清理文件",
                size_text(limits.unit)
            ),
        }
    }
}

/// The two limits, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub person: u64,
    pub unit: u64,
}

impl Limits {
    pub fn of(cfg: &Config) -> Limits {
        Limits {
            person: cfg.intranet.user_quota_mib.saturating_mul(MIB),
            unit: cfg.intranet.unit_quota_mib.saturating_mul(MIB),
        }
    }
}

/// What one person and their unit hold now.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub person: u64,
    pub unit: u64,
}

fn person_key(user: u64) -> String {
    format!("p/{user:016x}")
}

fn unit_key(unit: &str) -> String {
    format!("u/{unit}")
}

fn get(t: &impl ReadableTable<&'static str, u64>, key: &str) -> Result<u64> {
    Ok(t.get(key)?.map(|v| v.value()).unwrap_or(0))
}

pub fn usage(txn: &ReadTransaction, user: u64, unit: &str) -> Result<Usage> {
    let t = txn.open_table(tables::OA_USAGE)?;
    Ok(Usage {
        person: get(&t, &person_key(user))?,
        unit: get(&t, &unit_key(unit))?,
    })
}

pub fn usage_w(txn: &WriteTransaction, user: u64, unit: &str) -> Result<Usage> {
    let t = txn.open_table(tables::OA_USAGE)?;
    Ok(Usage {
        person: get(&t, &person_key(user))?,
        unit: get(&t, &unit_key(unit))?,
    })
}

/// Bytes that may still be added before either quota is passed.
pub fn headroom(u: Usage, limits: &Limits) -> u64 {
    limits
        .person
        .saturating_sub(u.person)
        .min(limits.unit.saturating_sub(u.unit))
}

/// Adds `bytes` to both counts unless that passes a quota: then nothing changes and the
/// quota is named.
pub fn charge(
    txn: &WriteTransaction,
    user: u64,
    unit: &str,
    bytes: u64,
    limits: &Limits,
) -> Result<Option<Over>> {
    let u = usage_w(txn, user, unit)?;
    if u.person.saturating_add(bytes) > limits.person {
        return Ok(Some(Over::Person));
    }
    if u.unit.saturating_add(bytes) > limits.unit {
        return Ok(Some(Over::Unit));
    }
    add(txn, user, unit, bytes)?;
    Ok(None)
}

/// Adds `bytes` to both counts without a check (bytes already on disk).
pub fn add(txn: &WriteTransaction, user: u64, unit: &str, bytes: u64) -> Result<()> {
    let mut t = txn.open_table(tables::OA_USAGE)?;
    for k in [person_key(user), unit_key(unit)] {
        let n = get(&t, &k)?;
        t.insert(k.as_str(), n.saturating_add(bytes))?;
    }
    Ok(())
}

/// Gives `bytes` back to both counts.
pub fn release(txn: &WriteTransaction, user: u64, unit: &str, bytes: u64) -> Result<()> {
    let mut t = txn.open_table(tables::OA_USAGE)?;
    for k in [person_key(user), unit_key(unit)] {
        let n = get(&t, &k)?.saturating_sub(bytes);
        if n == 0 {
            t.remove(k.as_str())?;
        } else {
            t.insert(k.as_str(), n)?;
        }
    }
    Ok(())
}

/// A size for people: bytes, KB, MB or GB with one decimal.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", UNITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_headroom() {
        assert_eq!(size_text(10), "10 B");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(20 * 1024 * MIB), "20.0 GB");
        let l = Limits {
            person: 100,
            unit: 1000,
        };
        assert_eq!(
            headroom(
                Usage {
                    person: 40,
                    unit: 990
                },
                &l
            ),
            10
        );
        assert_eq!(
            headroom(
                Usage {
                    person: 140,
                    unit: 0
                },
                &l
            ),
            0
        );
    }
}
