//! A send: which files (their bytes by SHA-256, as they were named), to whom, with a message.

use serde::{Deserialize, Serialize};

use crate::auth::model::{UnitCode, User};
use crate::intranet::receipt::Receipt;

/// One file as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFile {
    pub sha: String,
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSend {
    pub id: u64,
    pub sender: u64,
    pub sender_name: String,
    pub sender_unit: UnitCode,
    pub sender_unit_name: String,
    pub files: Vec<SentFile>,
    /// 附言, may be empty.
    pub message: String,
    pub sent_ms: i64,
    /// Reclaimed by the sweeper after this.
    pub expires_ms: i64,
    pub receipts: Vec<Receipt>,
}

impl FileSend {
    pub fn receipts_of<'a>(&'a self, u: &'a User) -> impl Iterator<Item = (usize, &'a Receipt)> {
        self.receipts
            .iter()
            .enumerate()
            .filter(|(_, r)| r.to.includes(u))
    }

    pub fn is_recipient(&self, u: &User) -> bool {
        self.receipts_of(u).next().is_some()
    }

    pub fn may_view(&self, u: &User) -> bool {
        u.id == self.sender || self.is_recipient(u)
    }

    /// What the list shows as its title: the first file's name, and how many more.
    pub fn title(&self) -> String {
        match self.files.as_slice() {
            [] => "（无文件）".into(),
            [one] => one.name.clone(),
            [first, rest @ ..] => format!("{} 等 {} 个文件", first.name, rest.len() + 1),
        }
    }

    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}
