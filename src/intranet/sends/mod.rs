//! 发送文件: files from my 文件传输 sent to units or people. Each send appears in its
//! recipients' inbox (收到的文件) with a receipt (`intranet::receipt`): first opened, signed
//! for, every download (who, when); the sender sees them all and reminds those who have not
//! signed. A send holds its own reference to each file's bytes, so deleting the file from my
//! list does not take it from the recipients; it expires with `intranet.file_keep_days` and
//! the sweeper reclaims it (never while a download of its bytes runs).

pub mod act;
pub mod file;
pub mod list;
pub mod model;
pub mod new;
pub mod routes;
pub mod store;
pub mod sweep;
pub mod todo;
pub mod view;

/// A send's page.
pub fn url(id: u64) -> String {
    format!("/oa/sends/{id}")
}
