//! The intranet's 待办 source: what waits on a person — documents to sign for, meeting
//! notices to answer, files to download — in 我的工作, the workbench count and (through the
//! notices each part pushes) the bell. Shown only to requests from inside.

use crate::auth::permission::Action;
use crate::http::Shared;
use crate::http::extract::Staff;
use crate::staff::registry::Shows;
use crate::staff::todo::{Lists, TodoSource};

pub struct IntranetWork;

impl TodoSource for IntranetWork {
    fn kind(&self) -> &'static str {
        "内网办公"
    }

    fn shows(&self) -> Shows {
        Shows::System(Action::UseIntranet)
    }

    fn inside_only(&self) -> bool {
        true
    }

    fn shortcuts(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("/oa/docs/new", "拟发公文"),
            ("/oa/meetings/new", "发会议通知"),
        ]
    }

    fn lists<'a>(&'a self, st: &'a Shared, staff: &'a Staff) -> Lists<'a> {
        Box::pin(async move {
            if !staff.ctx.inside {
                return Ok(None);
            }
            let (u, now) = (staff.user.clone(), st.now_ms());
            let lists = st
                .store
                .read(move |txn| {
                    let mut lists = super::documents::todo::lists(txn, &u, now)?;
                    lists.extend(super::meetings::todo::lists(txn, &u, now)?);
                    lists.extend(super::files::todo::lists(txn, &u, now)?);
                    lists.extend(super::sends::todo::lists(txn, &u, now)?);
                    Ok(lists)
                })
                .await?;
            Ok(Some(lists))
        })
    }
}
