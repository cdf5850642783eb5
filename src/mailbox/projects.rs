//! The 百件实事 project a letter is about (a resident asking from a project's page).

use crate::error::Result;
use crate::http::Shared;

/// The project's id and title, when `id` names one.
pub async fn title(_st: &Shared, _id: u64) -> Result<Option<(u64, String)>> {
    // The projects tracker is merged in from its branch; until then no letter links one.
    Ok(None)
}
