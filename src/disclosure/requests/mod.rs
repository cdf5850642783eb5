//! 依申请公开: requests for government information on the statutory clock.

pub mod flow;
pub mod model;
pub mod outcome;
pub mod store;

use crate::http::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
}

pub fn upload_router() -> Routes {
    Routes::new()
}

/// The largest form with files a request page accepts (the proof, a reply document).
pub const MAX_UPLOAD_REQUEST: usize = 24 * 1024 * 1024;
