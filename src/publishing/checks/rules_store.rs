//! Where the check rules live: one JSON value in `META` under `check_rules` (so backups and
//! restores carry them with everything else). Absent means `CheckRules::default()`: no words,
//! no wordings, the usual attachment types.

use redb::{ReadTransaction, WriteTransaction};

use super::content::CheckRules;
use crate::error::{Error, Result};
use crate::store::{get_json, put_json, tables};

/// The META key.
pub const KEY: &str = "check_rules";

/// The rules in force (the defaults when none were ever saved).
pub fn load(txn: &ReadTransaction) -> Result<CheckRules> {
    Ok(get_json(&txn.open_table(tables::META)?, KEY)?.unwrap_or_default())
}

/// `load` inside a write transaction.
pub fn load_w(txn: &WriteTransaction) -> Result<CheckRules> {
    Ok(get_json(&txn.open_table(tables::META)?, KEY)?.unwrap_or_default())
}

/// Replaces the rules. Rules that the text format would refuse are refused here too
/// (`CheckRules::validate`), so what is stored can always be shown and edited again.
pub fn save(txn: &WriteTransaction, rules: &CheckRules) -> Result<()> {
    rules
        .validate()
        .map_err(|e| Error::BadRequest(format!("检查规则有误：{e}")))?;
    put_json(txn, tables::META, KEY, rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publishing::checks::content::{Severity, WordRule};
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            dir.path(),
            &*crate::clock::ManualClock::new(crate::clock::TEST_START),
        )
        .unwrap();
        (dir, s)
    }

    #[test]
    fn defaults_when_absent() {
        let (_d, s) = store();
        let r = s.read_blocking(load).unwrap();
        assert_eq!(r, CheckRules::default());
        let w = s.write_blocking(load_w).unwrap();
        assert_eq!(w, CheckRules::default());
    }

    #[test]
    fn round_trip_through_meta() {
        let (_d, s) = store();
        let rules = CheckRules::parse(
            "禁用词 违禁甲 测试\n敏感词 敏感乙\n规范 云溪示范区 = 云西示范区, 云溪区\n附件类型 pdf ofd\n",
        )
        .unwrap();
        let r2 = rules.clone();
        s.write_blocking(move |t| save(t, &r2)).unwrap();
        assert_eq!(s.read_blocking(load).unwrap(), rules);
        assert_eq!(s.write_blocking(load_w).unwrap(), rules);
        // Stored as JSON under the documented key.
        let raw: serde_json::Value = s
            .read_blocking(|t| Ok(get_json(&t.open_table(tables::META)?, KEY)?.unwrap()))
            .unwrap();
        assert_eq!(raw["allowed_extensions"][1], "ofd");
    }

    #[test]
    fn invalid_rules_are_refused_and_nothing_is_written() {
        let (_d, s) = store();
        let bad = CheckRules {
            words: vec![WordRule {
                word: "有 空格".into(),
                severity: Severity::Block,
                note: None,
            }],
            ..CheckRules::default()
        };
        let e = s.write_blocking(move |t| save(t, &bad)).unwrap_err();
        assert!(
            matches!(e, Error::BadRequest(ref m) if m.contains("不能包含空格")),
            "{e:?}"
        );
        assert_eq!(s.read_blocking(load).unwrap(), CheckRules::default());
    }
}
