//! The request form's guard (an `AppState` part, put in by `lib.rs`): requests per client
//! address per hour, and wrong query passwords (`portal::public_guard`). Request 查询码
//! start with "GK".

use crate::http::AppState;
use crate::portal::public_guard::{self, Guard};

pub use crate::portal::public_guard::{WRONG_MAX, WRONG_WINDOW_MS, password};

/// Requests one address may send in an hour.
pub const SUBMIT_PER_HOUR: u64 = 5;
const PREFIX: &str = "GK";

/// Disclosure's own counts, apart from every other public form's.
#[derive(Default, Clone)]
pub struct DisclosureGuard(pub Guard);

impl AppState {
    /// The request guard, put in by the composition root (`lib.rs`) before serving.
    pub fn disclosure_guard(&self) -> &Guard {
        // Only a composition-root bug can leave it out, and every test would show it.
        #[allow(clippy::expect_used)]
        &self
            .parts
            .get::<DisclosureGuard>()
            .expect("the composition root registers the disclosure guard")
            .0
    }
}

/// Counts a request from `client`; false when over the hour's allowance.
pub fn submit_allowed(g: &Guard, client: &str, now: i64) -> bool {
    g.submit_allowed(client, now, 3_600_000, SUBMIT_PER_HOUR)
}

/// A new 查询码: "GK" and 12 characters.
pub fn tracking_code() -> String {
    public_guard::tracking_code(PREFIX)
}

/// A 查询码 as shown: GK-XXXX-XXXX-XXXX.
pub fn show_code(code: &str) -> String {
    public_guard::show_code(PREFIX, code)
}
