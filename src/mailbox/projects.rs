//! The 百件实事 project a letter is about (a resident asking from a project's page, whose
//! 「我要留言」 link carries `?project={id}`).

use crate::error::Result;
use crate::http::Shared;

/// The project's id and its title as shown ("2026年 · title"), when `id` names one.
pub async fn title(st: &Shared, id: u64) -> Result<Option<(u64, String)>> {
    let found = st
        .store
        .read(move |txn| crate::projects::store::project_title(txn, id))
        .await?;
    Ok(found.map(|(title, year)| (id, format!("{year}年 · {title}"))))
}
