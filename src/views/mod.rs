//! Shared views: the public and staff layouts, form components, error pages.
//! Views take plain data, never a transaction.

pub mod assets;
pub mod form;
pub mod layout;
pub mod script_json;

pub use layout::{PageMeta, Site, public_page, staff_page};
pub use script_json::ScriptJson;
