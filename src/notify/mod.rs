//! In-app notifications (消息通知): notices about returns, approvals and items waiting on
//! a staff member, the bell with the unread count in the staff header, and the page that
//! lists them. Other capabilities push notices inside their own write transactions.

pub mod pages;
pub mod store;

use crate::error::Result;
use crate::http::Shared;
use crate::http::extract::Staff;

/// Call when the signed-in user opens the item at `url` (e.g. "/admin/articles/7"): its
/// unread notices become read, and the bell on the page being rendered counts that.
/// Writes nothing when the user has no unread notices, which is most page views.
pub async fn opened(st: &Shared, staff: &mut Staff, url: &str) -> Result<()> {
    if staff.unread == 0 {
        return Ok(());
    }
    let (uid, url) = (staff.user.id, url.to_owned());
    let n = st
        .store
        .write(move |txn| store::mark_read_by_url(txn, uid, &url))
        .await?;
    staff.unread = staff.unread.saturating_sub(n);
    Ok(())
}
