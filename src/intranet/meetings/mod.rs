//! 会议通知: meeting notices sent to units, each invited unit replying (回执) for itself —
//! 参加 with who attends, or 请假 with a reason — until the reply deadline. The sender sees
//! every unit's reply live, reminds (催办) the silent ones, exports the replies, changes or
//! cancels the meeting (each change named in a notice and bumping the calendar file's
//! SEQUENCE). Both the meeting (已发出 → 已取消) and each unit's reply (待回执 → 已回执) are
//! instances of the one flow engine (`flow`). Only the sender and the people of invited
//! units may open a meeting; to anyone else it does not exist.

pub mod compose;
pub mod demo;
pub mod export;
pub mod flow;
pub mod form;
pub mod ics;
pub mod list;
pub mod model;
pub mod notices;
pub mod page;
pub mod routes;
pub mod store;
pub mod todo;

pub use store::figures;
