//! Who may try a password or a 动态验证码 now: locks by account + client address, the
//! account-wide slow-down, and the account lock after wrong codes. Pure rules on the user
//! record (`User::failed_logins`, `locked_until_ms`, `failed_codes`, `login_guard`); the
//! login handlers call them inside the write transaction that saves the record.
//!
//! - Wrong passwords count per (account, address); `threshold` in a row from one address
//!   lock the account for that address only, for `lock_ms`. Someone guessing from their
//!   own address cannot lock the owner out of another one.
//! - Every wrong password also counts for the account as a whole (reset by a quiet spell
//!   of `lock_ms`). Past `backoff_after`, attempts from addresses the account never logged
//!   in from are checked at most once per `backoff_ms`; the rest are refused unchecked. The
//!   owner's known addresses are never slowed, so nobody is hard-locked out this way.
//! - Wrong 动态验证码 count per account (whoever sends them already knows the password) and
//!   are reset only by a right code; `threshold` of them lock the account everywhere.
//!
//! The visitor is told none of this: every refusal reads like a wrong password. What the
//! login page does say — how many tries remain before the lock — comes from `Tries`, kept
//! per (address, typed user name) whether or not the account exists, so it tells nothing
//! about which names are real.

use super::model::{AddressFailures, User};

/// Per-address entries kept on a record; the oldest unlocked go first.
const MAX_ADDRESSES: usize = 64;
/// Known addresses kept on a record.
const MAX_KNOWN: usize = 8;
/// An address's unlocked failures are forgotten after a day without any.
const FORGET_MS: i64 = 24 * 3_600_000;

/// The settings, in the units the rules use.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub threshold: u32,
    pub lock_ms: i64,
    pub backoff_after: u32,
    pub backoff_ms: i64,
}

impl Policy {
    pub fn from_config(a: &crate::config::Auth) -> Policy {
        Policy {
            threshold: u32::try_from(a.lockout_threshold).unwrap_or(5),
            lock_ms: i64::try_from(a.lockout_minutes)
                .unwrap_or(30)
                .saturating_mul(60_000),
            backoff_after: u32::try_from(a.account_backoff_after).unwrap_or(20),
            backoff_ms: i64::try_from(a.account_backoff_seconds)
                .unwrap_or(60)
                .saturating_mul(1000),
        }
    }
}

/// Why a password attempt is refused before it is checked (for the audit log only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many wrong 动态验证码: locked everywhere.
    AccountLocked,
    /// Too many wrong passwords from this address.
    AddressLocked,
    /// The account is slowed down and this address had its turn too recently.
    SlowedDown,
}

impl Refusal {
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::AccountLocked => "账号已锁定（动态验证码连续错误）",
            Refusal::AddressLocked => "账号在该地址已锁定（密码连续错误）",
            Refusal::SlowedDown => "账号多地址连续失败，限速中，未校验密码",
        }
    }
}

/// Wrong passwords for the account as a whole, after a quiet spell counts as none.
fn account_failures(u: &User, now: i64, p: &Policy) -> u32 {
    if now - u.login_guard.last_failed_ms > p.lock_ms {
        0
    } else {
        u.failed_logins
    }
}

fn entry<'a>(u: &'a mut User, addr: &str) -> Option<&'a mut AddressFailures> {
    u.login_guard
        .by_address
        .iter_mut()
        .find(|e| e.address == addr)
}

/// Before a password from `addr` is checked. Clears locks that have run out; when the
/// account is slowed down and this attempt is let through, takes the turn. Save the
/// record afterwards either way.
pub fn admit(u: &mut User, addr: &str, now: i64, p: &Policy) -> Result<(), Refusal> {
    if u.locked(now) {
        return Err(Refusal::AccountLocked);
    }
    u.locked_until_ms = None;
    if let Some(e) = entry(u, addr) {
        match e.locked_until_ms {
            Some(t) if t > now => return Err(Refusal::AddressLocked),
            // The lock has run out: this address starts counting afresh.
            Some(_) => {
                e.locked_until_ms = None;
                e.count = 0;
            }
            None => {}
        }
    }
    let slowed = account_failures(u, now, p) >= p.backoff_after
        && !u.login_guard.known_addresses.iter().any(|k| k == addr);
    if slowed {
        if now - u.login_guard.last_checked_ms < p.backoff_ms {
            return Err(Refusal::SlowedDown);
        }
        u.login_guard.last_checked_ms = now;
    }
    Ok(())
}

/// A wrong password from `addr`: counted for the address and the account. True when the
/// address is now locked.
pub fn password_failed(u: &mut User, addr: &str, now: i64, p: &Policy) -> bool {
    u.failed_logins = account_failures(u, now, p).saturating_add(1);
    u.login_guard.last_failed_ms = now;
    let g = &mut u.login_guard;
    g.by_address
        .retain(|e| e.locked_until_ms.is_some_and(|t| t > now) || now - e.last_ms < FORGET_MS);
    let i = match g.by_address.iter().position(|e| e.address == addr) {
        Some(i) => i,
        None => {
            g.by_address.push(AddressFailures {
                address: addr.to_owned(),
                count: 0,
                last_ms: now,
                locked_until_ms: None,
            });
            g.by_address.len() - 1
        }
    };
    let e = &mut g.by_address[i];
    e.count = e.count.saturating_add(1);
    e.last_ms = now;
    let locked = e.count >= p.threshold;
    if locked {
        e.locked_until_ms = Some(now + p.lock_ms);
    }
    while g.by_address.len() > MAX_ADDRESSES {
        // The oldest entry without a lock, else the oldest of all.
        let victim = g
            .by_address
            .iter()
            .enumerate()
            .filter(|(_, e)| e.locked_until_ms.is_none_or(|t| t <= now))
            .min_by_key(|(_, e)| e.last_ms)
            .or_else(|| {
                g.by_address
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, e)| e.last_ms)
            })
            .map(|(i, _)| i);
        match victim {
            Some(i) => {
                g.by_address.remove(i);
            }
            None => break,
        }
    }
    locked
}

/// The right password from `addr`: that address starts afresh. Neither the account-wide
/// count (an attack elsewhere goes on) nor the wrong-code count is reset.
pub fn password_ok(u: &mut User, addr: &str) {
    u.login_guard.by_address.retain(|e| e.address != addr);
}

/// Fully logged in from `addr` at `now` (password, and the code when enrolled): the address
/// is remembered, so the account-wide slow-down never applies to it, and the time is the
/// account's last login (shown on 账号与角色).
pub fn logged_in(u: &mut User, addr: &str, now: i64) {
    u.last_login_ms = Some(now);
    let k = &mut u.login_guard.known_addresses;
    k.retain(|a| a != addr);
    k.insert(0, addr.to_owned());
    k.truncate(MAX_KNOWN);
}

/// A wrong 动态验证码. True when the account is now locked everywhere. After a lock has
/// run out the count is still at the threshold, so each further wrong code locks again.
pub fn code_failed(u: &mut User, now: i64, p: &Policy) -> bool {
    u.failed_codes = u.failed_codes.saturating_add(1);
    let locked = u.failed_codes >= p.threshold;
    if locked {
        u.locked_until_ms = Some(now + p.lock_ms);
    }
    locked
}

/// The right 动态验证码.
pub fn code_ok(u: &mut User) {
    u.failed_codes = 0;
}

/// How many client addresses are locked out of the account now.
pub fn locked_addresses(u: &User, now: i64) -> usize {
    u.login_guard
        .by_address
        .iter()
        .filter(|e| e.locked_until_ms.is_some_and(|t| t > now))
        .count()
}

/// Whether anything is there for a security administrator to clear.
pub fn needs_unlock(u: &User, now: i64) -> bool {
    u.locked(now)
        || u.failed_logins > 0
        || u.failed_codes > 0
        || !u.login_guard.by_address.is_empty()
}

/// A security administrator's 解除锁定 (and a password reset): every count and lock
/// cleared; known addresses kept.
pub fn unlock(u: &mut User) {
    u.failed_logins = 0;
    u.locked_until_ms = None;
    u.failed_codes = 0;
    u.login_guard.by_address.clear();
    u.login_guard.last_failed_ms = 0;
    u.login_guard.last_checked_ms = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::{LoginGuard, UnitCode};

    const P: Policy = Policy {
        threshold: 5,
        lock_ms: 30 * 60_000,
        backoff_after: 20,
        backoff_ms: 60_000,
    };

    fn user() -> User {
        User {
            id: 1,
            username: "li.ming".into(),
            display_name: String::new(),
            unit: UnitCode::parse("gov").unwrap(),
            grants: vec![],
            password_hash: String::new(),
            must_change_password: false,
            failed_logins: 0,
            locked_until_ms: None,
            totp_secret: None,
            totp_last_step: 0,
            failed_codes: 0,
            login_guard: LoginGuard::default(),
            disabled: false,
            session_epoch: 0,
            created_ms: 0,
            password_changed_ms: 0,
            last_login_ms: None,
        }
    }

    #[test]
    fn a_lock_holds_one_address_only_and_runs_out() {
        let mut u = user();
        for i in 1..=5 {
            assert_eq!(admit(&mut u, "6.6.6.6", i, &P), Ok(()));
            assert_eq!(password_failed(&mut u, "6.6.6.6", i, &P), i == 5);
        }
        assert_eq!(
            admit(&mut u, "6.6.6.6", 10, &P),
            Err(Refusal::AddressLocked)
        );
        assert_eq!(admit(&mut u, "10.1.1.1", 10, &P), Ok(()));
        let later = 5 + P.lock_ms + 1;
        assert_eq!(admit(&mut u, "6.6.6.6", later, &P), Ok(()));
        assert!(
            !password_failed(&mut u, "6.6.6.6", later, &P),
            "counts afresh"
        );
    }

    #[test]
    fn many_addresses_slow_the_account_down_but_not_known_ones() {
        let mut u = user();
        logged_in(&mut u, "10.1.1.1", 1);
        let mut now = 10_000_000;
        for i in 0..20 {
            let a = format!("6.6.{}.{}", i / 4, i % 4);
            assert_eq!(admit(&mut u, &a, now, &P), Ok(()), "{i}");
            password_failed(&mut u, &a, now, &P);
            now += 10;
        }
        // One check, then refusals until the turn comes round again.
        assert_eq!(admit(&mut u, "7.7.7.7", now, &P), Ok(()));
        assert_eq!(
            admit(&mut u, "7.7.7.8", now + 1, &P),
            Err(Refusal::SlowedDown)
        );
        assert_eq!(admit(&mut u, "10.1.1.1", now + 1, &P), Ok(()), "known");
        assert_eq!(admit(&mut u, "7.7.7.8", now + P.backoff_ms, &P), Ok(()));
        // A quiet spell ends the slow-down.
        let quiet = now + P.lock_ms + 1;
        assert_eq!(admit(&mut u, "7.7.7.9", quiet, &P), Ok(()));
        assert_eq!(admit(&mut u, "7.7.7.9", quiet + 1, &P), Ok(()));
    }

    #[test]
    fn codes_count_apart_from_passwords() {
        let mut u = user();
        for i in 1..=4 {
            assert!(!code_failed(&mut u, i, &P));
            password_ok(&mut u, "6.6.6.6");
        }
        assert_eq!(u.failed_codes, 4, "a right password resets nothing");
        assert!(code_failed(&mut u, 5, &P));
        assert_eq!(
            admit(&mut u, "10.1.1.1", 6, &P),
            Err(Refusal::AccountLocked)
        );
        let later = 5 + P.lock_ms + 1;
        assert_eq!(admit(&mut u, "10.1.1.1", later, &P), Ok(()));
        assert!(code_failed(&mut u, later, &P), "still at the threshold");
        code_ok(&mut u);
        assert_eq!(u.failed_codes, 0);
    }

    #[test]
    fn entries_stay_bounded() {
        let mut u = user();
        for i in 0..200 {
            password_failed(&mut u, &format!("6.6.{}.{}", i / 200, i % 200), i, &P);
        }
        assert_eq!(u.login_guard.by_address.len(), MAX_ADDRESSES);
        for i in 0..20 {
            logged_in(&mut u, &format!("10.0.0.{i}"), i);
        }
        assert_eq!(u.login_guard.known_addresses.len(), MAX_KNOWN);
        assert_eq!(u.login_guard.known_addresses[0], "10.0.0.19");
        unlock(&mut u);
        assert!(!needs_unlock(&u, 0));
    }
}

/// Wrong passwords from one address for one typed user name, as the login page counts them
/// to say how many tries remain: the same threshold and lock time as the real lock, kept
/// alike for names that exist and names that do not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tries {
    pub count: u32,
    pub last_ms: i64,
    pub locked_until_ms: Option<i64>,
}

impl Tries {
    /// Counts a refusal (wrong password, or any refusal that reads like one).
    pub fn failed(&mut self, now: i64, p: &Policy) {
        if self.locked_until_ms.is_some_and(|t| t <= now) || now - self.last_ms > p.lock_ms {
            *self = Tries::default();
        }
        self.count = self.count.saturating_add(1);
        self.last_ms = now;
        if self.count >= p.threshold && self.locked_until_ms.is_none() {
            self.locked_until_ms = Some(now + p.lock_ms);
        }
    }

    /// What the page adds to “用户名或密码错误”: nothing after one wrong password, then how
    /// many tries remain, then that sign-in from here is paused.
    pub fn hint(&self, now: i64, p: &Policy) -> Option<String> {
        let minutes = (p.lock_ms / 60_000).max(1);
        if let Some(t) = self.locked_until_ms.filter(|t| *t > now) {
            let left = ((t - now) + 59_999) / 60_000;
            return Some(format!(
                "连续输错次数过多，该账号在本机已暂停登录，请 {left} 分钟后再试；如需提前恢复，请联系安全管理员。"
            ));
        }
        (self.count >= 2 && self.count < p.threshold).then(|| {
            format!(
                "再输错 {} 次，该账号将在本机暂停登录 {minutes} 分钟。",
                p.threshold - self.count
            )
        })
    }
}

#[cfg(test)]
mod tries_tests {
    use super::*;

    const P: Policy = Policy {
        threshold: 5,
        lock_ms: 30 * 60_000,
        backoff_after: 20,
        backoff_ms: 60_000,
    };

    #[test]
    fn the_hint_counts_down_then_says_paused_then_starts_afresh() {
        let mut t = Tries::default();
        t.failed(0, &P);
        assert_eq!(t.hint(0, &P), None, "one wrong password says nothing more");
        t.failed(1, &P);
        assert_eq!(
            t.hint(1, &P).unwrap(),
            "再输错 3 次，该账号将在本机暂停登录 30 分钟。"
        );
        t.failed(2, &P);
        t.failed(3, &P);
        assert!(t.hint(3, &P).unwrap().starts_with("再输错 1 次"));
        t.failed(4, &P);
        assert!(t.hint(4, &P).unwrap().contains("请 30 分钟后再试"));
        let later = 4 + P.lock_ms + 1;
        assert_eq!(t.hint(later, &P), None, "the pause has run out");
        t.failed(later, &P);
        assert_eq!(t.count, 1, "a run-out lock starts afresh");
    }
}
