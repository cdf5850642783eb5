//! The schema migrations, registered here because most steps are a capability's own code
//! (the foundation's `store` runs them but never imports a capability). Opening a store
//! anywhere — the server, the CLI, tests — goes through `Store::open`/`open_with_cache`
//! below, so the migrations always run.

use std::path::Path;

use crate::clock::Clock;
use crate::store::schema::Step;
use crate::store::{DEFAULT_CACHE_BYTES, OpenError, Store};

/// `STEPS[n]` takes a store from schema version n+1 to n+2 (`store::schema::CURRENT`).
pub const STEPS: &[Step] = &[
    // 1 → 2: the audit chain head is kept in `meta`.
    crate::auth::audit::write_head_from_last,
    // 2 → 3: articles get the editorial work-list index.
    crate::publishing::review::index::rebuild,
    // 3 → 4: which items use which stored file (`/files/` serves by it).
    crate::portal::files::rebuild,
    // 4 → 5: open work notices are found by the page they lead to (they settle themselves).
    crate::notify::store::index_waiting,
];

impl Store {
    /// Opens (creating if needed) the data folder and runs the migrations.
    pub fn open(dir: &Path, clock: &dyn Clock) -> Result<Store, OpenError> {
        Self::open_with_cache(dir, clock, DEFAULT_CACHE_BYTES)
    }

    /// `open` with redb's page cache bounded at `cache_bytes` (`memory.store_cache_mib`).
    pub fn open_with_cache(
        dir: &Path,
        clock: &dyn Clock,
        cache_bytes: usize,
    ) -> Result<Store, OpenError> {
        Self::open_migrating(dir, clock, cache_bytes, STEPS)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_step_per_schema_version() {
        let n = u64::try_from(super::STEPS.len()).unwrap_or(0);
        assert_eq!(n + 1, crate::store::schema::CURRENT);
    }
}
