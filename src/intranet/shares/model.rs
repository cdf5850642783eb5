//! A share link's record (`Share`, JSON in `OA_SHARES` under its token's SHA-256) and the
//! state it is in at a given time.

use serde::{Deserialize, Serialize};

use crate::auth::model::UnitCode;

/// Wrong passwords allowed per link within `WRONG_WINDOW_MS`; past that the link refuses
/// passwords until the oldest of them is that old.
pub const WRONG_MAX: usize = 10;
pub const WRONG_WINDOW_MS: i64 = 10 * 60_000;
/// Downloads and uploads remembered per link (the counts are kept whole).
pub const MAX_LOG: usize = 200;

/// What the link gives: one file to download, or a place to upload files to its maker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// The maker's `OaFile` (its name and size when the link was made, for the lists).
    File { file: u64, name: String, size: u64 },
    /// 收集文件: at most `max_uploads` files, each at most `max_file_bytes`.
    Collect {
        max_uploads: u32,
        max_file_bytes: u64,
    },
}

/// One download that counted (it started at byte 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub at_ms: i64,
    pub ip: String,
}

/// One file received through a collect link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub file: u64,
    pub name: String,
    pub size: u64,
    /// What the sender typed in 您的姓名或单位 (may be empty).
    pub sender: String,
    pub ip: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// Short id for the maker's forms (`/oa/shares/{id}/…`); never the token.
    pub id: u64,
    pub owner: u64,
    pub owner_unit: UnitCode,
    pub what: What,
    pub note: String,
    /// argon2id PHC string when the link asks for a password.
    pub password: Option<String>,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// For file links: downloads allowed (None: no limit).
    pub max_downloads: Option<u32>,
    /// Downloads that counted so far.
    pub downloads: u32,
    /// The latest downloads (when, from where), at most `MAX_LOG`.
    pub hits: Vec<Hit>,
    /// Files received (collect links), at most `MAX_LOG` listed; `uploads` counts them all.
    pub received: Vec<Received>,
    pub uploads: u32,
    pub revoked_ms: Option<i64>,
    /// Times of the latest wrong passwords (at most `WRONG_MAX`).
    #[serde(default)]
    pub wrong: Vec<i64>,
}

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Live,
    Expired,
    Revoked,
    UsedUp,
    /// Its file was deleted or reclaimed.
    FileGone,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Live => "有效",
            State::Expired => "已过期",
            State::Revoked => "已撤销",
            State::UsedUp => "已用完",
            State::FileGone => "文件已删除",
        }
    }

    /// What a visitor is told (410).
    pub fn message(self) -> &'static str {
        match self {
            State::Live => "",
            State::Expired => "此分享链接已过期，请联系分享人重新分享。",
            State::Revoked => "此分享链接已被分享人撤销。",
            State::UsedUp => "此分享链接的可用次数已用完，请联系分享人重新分享。",
            State::FileGone => "分享的文件已被删除或已过保留期，链接已失效。",
        }
    }
}

impl Share {
    pub fn what_is_file(&self) -> bool {
        matches!(self.what, What::File { .. })
    }

    pub fn is_collect(&self) -> bool {
        matches!(self.what, What::Collect { .. })
    }

    /// Whether the downloads or uploads allowed are all used.
    pub fn used_up(&self) -> bool {
        match self.what {
            What::File { .. } => self.max_downloads.is_some_and(|m| self.downloads >= m),
            What::Collect { max_uploads, .. } => self.uploads >= max_uploads,
        }
    }

    /// The state at `now`; `file_live` says whether a file link's file is still there (and
    /// not past its keeping time).
    pub fn state(&self, now: i64, file_live: bool) -> State {
        if self.revoked_ms.is_some() {
            State::Revoked
        } else if self.expires_ms <= now {
            State::Expired
        } else if !self.is_collect() && !file_live {
            State::FileGone
        } else if self.used_up() {
            State::UsedUp
        } else {
            State::Live
        }
    }

    /// Until when passwords are refused after too many wrong ones, if they are now.
    pub fn locked_until(&self, now: i64) -> Option<i64> {
        let recent: Vec<i64> = self
            .wrong
            .iter()
            .copied()
            .filter(|t| now - t < WRONG_WINDOW_MS)
            .collect();
        (recent.len() >= WRONG_MAX)
            .then(|| recent.iter().min().copied().unwrap_or(now) + WRONG_WINDOW_MS)
    }

    /// Counts a wrong password at `now`.
    pub fn note_wrong(&mut self, now: i64) {
        self.wrong.retain(|t| now - t < WRONG_WINDOW_MS);
        self.wrong.push(now);
        if self.wrong.len() > WRONG_MAX {
            let extra = self.wrong.len() - WRONG_MAX;
            self.wrong.drain(..extra);
        }
    }

    /// What the link is about, for lists and button names.
    pub fn title(&self) -> String {
        match &self.what {
            What::File { name, .. } => name.clone(),
            What::Collect { .. } => "收集文件".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share() -> Share {
        Share {
            id: 1,
            owner: 1,
            owner_unit: UnitCode::parse("gov").unwrap(),
            what: What::File {
                file: 1,
                name: "a.pdf".into(),
                size: 1,
            },
            note: String::new(),
            password: None,
            created_ms: 0,
            expires_ms: 1000,
            max_downloads: Some(1),
            downloads: 0,
            hits: vec![],
            received: vec![],
            uploads: 0,
            revoked_ms: None,
            wrong: vec![],
        }
    }

    #[test]
    fn states_in_order() {
        let mut s = share();
        assert_eq!(s.state(10, true), State::Live);
        assert_eq!(s.state(10, false), State::FileGone);
        assert_eq!(s.state(1000, true), State::Expired);
        s.downloads = 1;
        assert_eq!(s.state(10, true), State::UsedUp);
        s.revoked_ms = Some(5);
        assert_eq!(s.state(10, true), State::Revoked);
    }

    #[test]
    fn wrong_passwords_lock_for_a_while() {
        let mut s = share();
        for i in 0..WRONG_MAX as i64 {
            assert_eq!(s.locked_until(i), None);
            s.note_wrong(i);
        }
        assert_eq!(s.locked_until(20), Some(WRONG_WINDOW_MS));
        assert_eq!(s.locked_until(WRONG_WINDOW_MS), None);
    }
}
