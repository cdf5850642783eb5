//! The one 待办 interface. Every capability whose items wait on staff implements
//! `TodoSource`; 我的工作 (`work`) and the workbench count read every registered source, so
//! staff see one list of what waits on them, whichever capability it comes from.

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;

use super::shows::Shows;

/// One item in a work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoRow {
    pub title: String,
    /// Where it opens.
    pub link: String,
    /// Where it belongs (site and channel, a catalog, a mailbox).
    pub place: String,
    /// Its state as staff read it, and a key for styling.
    pub state: String,
    pub state_key: String,
    /// A mark beside the state (e.g. 待事后审核).
    pub badge: Option<String>,
    /// What the person needs to know first, under the title (e.g. why it was returned).
    pub note: Option<String>,
    /// The unit it comes from.
    pub unit: String,
    /// The date that matters to its list (`TodoList::date_label`): a deadline, a scheduled
    /// time, when it was published …
    pub date_ms: Option<i64>,
    pub updated_ms: i64,
}

impl TodoRow {
    pub fn overdue(&self, now_ms: i64) -> bool {
        self.date_ms.is_some_and(|d| d < now_ms)
    }
}

/// One tab of 我的工作.
pub struct TodoList {
    /// Unique across sources: the `list` query parameter.
    pub id: &'static str,
    pub label: &'static str,
    /// Counted on the workbench as waiting on the user (a "recently published" list is not).
    pub waiting: bool,
    /// Shown when nothing waits anywhere (e.g. my drafts).
    pub home: bool,
    /// What the rows' `date_ms` is (办理期限, 定时发布时间, 发布时间 …).
    pub date_label: &'static str,
    /// Whether that date is a deadline, marked （已超期） once past.
    pub deadline: bool,
    pub rows: Vec<TodoRow>,
}

pub type Lists<'a> = Pin<Box<dyn Future<Output = Result<Option<Vec<TodoList>>>> + Send + 'a>>;

pub trait TodoSource: Send + Sync {
    /// The kind of work, shown as a heading (e.g. 信息发布).
    fn kind(&self) -> &'static str;
    /// Who has this kind of work at all (shows 我的工作 in the navigation).
    fn shows(&self) -> Shows;
    /// Its work is only for requests from inside the intranet (`http::zone`).
    fn inside_only(&self) -> bool {
        false
    }
    /// Links shown above the lists (e.g. 新建信息).
    fn shortcuts(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// The user's lists; `None` when this kind of work is not theirs at all.
    fn lists<'a>(&'a self, st: &'a Shared, staff: &'a Staff) -> Lists<'a>;
}

/// One source's lists for the user.
pub struct SourceLists {
    pub kind: &'static str,
    pub shortcuts: &'static [(&'static str, &'static str)],
    pub lists: Vec<TodoList>,
}

/// Every registered source that applies to the user, in registration order.
pub async fn all(st: &Shared, staff: &Staff) -> Result<Vec<SourceLists>> {
    let mut out = Vec::new();
    for src in &st.staff_registry().todo {
        if let Some(lists) = src.lists(st, staff).await? {
            out.push(SourceLists {
                kind: src.kind(),
                shortcuts: src.shortcuts(),
                lists,
            });
        }
    }
    Ok(out)
}
