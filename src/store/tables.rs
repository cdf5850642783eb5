//! Every redb table, in one place, so backup and migrations can walk them all.

use redb::TableDefinition;

/// Small singletons: schema version, counters, setup token, scheduler state.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// user id → `auth::model::User` (JSON).
pub const USERS: TableDefinition<u64, &[u8]> = TableDefinition::new("users");
/// lower-case username → user id (uniqueness index).
pub const USER_NAMES: TableDefinition<&str, u64> = TableDefinition::new("user_names");
/// unit code → `auth::model::Unit` (JSON).
pub const UNITS: TableDefinition<&str, &[u8]> = TableDefinition::new("units");
/// SHA-256 of the session token (hex) → `auth::session::Session` (JSON).
pub const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
/// sequence number → `auth::audit::AuditRecord` (JSON), hash-chained.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// blob sha-256 (hex) → number of references from records.
pub const BLOB_REFS: TableDefinition<&str, u64> = TableDefinition::new("blob_refs");

/// Tables keyed by string with byte values.
pub const STR_BYTES: [TableDefinition<&str, &[u8]>; 3] = [META, UNITS, SESSIONS];
/// Tables keyed by integer with byte values.
pub const U64_BYTES: [TableDefinition<u64, &[u8]>; 2] = [USERS, AUDIT];
/// Tables keyed by string with integer values.
pub const STR_U64: [TableDefinition<&str, u64>; 2] = [USER_NAMES, BLOB_REFS];
