//! The one error type at the edge. Each variant is an HTTP outcome; the message a user
//! sees is kept apart from the cause that is logged.

use axum::http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("页面不存在")]
    NotFound,
    /// Not logged in (or the session ended): send to the login page.
    #[error("请先登录")]
    LoginRequired,
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request without a valid CSRF token or from another origin.
    #[error("请求来源校验失败")]
    Csrf,
    /// Go elsewhere first (e.g. a forced password change).
    #[error("redirect")]
    Redirect(String),
    /// A form with a token this site made but not for this session, with nothing to keep:
    /// the page is old, not forged.
    #[error("页面已过期")]
    FormExpired,
    /// A form that outlived its session or token was kept (`http::kept`): go to `to` with
    /// the cookie that finds it again.
    #[error("表单已过期，内容已保留")]
    FormKept { to: String, cookie: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("请求过于频繁，请稍后再试")]
    TooMany,
    #[error("提交的内容过大")]
    TooLarge,
    #[error("{0}")]
    Conflict(String),
    /// Anything unexpected. The cause goes to the log with a reference id; users see the id only.
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::LoginRequired | Error::Redirect(_) | Error::FormKept { .. } => {
                StatusCode::SEE_OTHER
            }
            Error::Forbidden(_) | Error::Csrf | Error::FormExpired => StatusCode::FORBIDDEN,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Error {
        Error::Internal(e.to_string())
    }
}

macro_rules! internal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::Internal(format!("{}: {e}", stringify!($t))) }
        }
    )*};
}

internal_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    std::io::Error,
    serde_json::Error,
    tokio::task::JoinError
);
