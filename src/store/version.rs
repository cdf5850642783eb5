//! The schema version this build writes (its own file: both the migrations and the backup
//! manifest name it).

/// Bump it and add a step to `app::migrations::STEPS` together.
pub const CURRENT: u64 = 5;
