//! 公开指南 (条例 第十二条): each obligated unit's guide — how its information is classified
//! and arranged, how to obtain it, and its disclosure office's name, address, hours, phone,
//! fax and online contact. `model`: the stored guide; `pages`: the public page with its
//! 更新日期 and the handlers' edit form; `search`: guides as search documents of their own kind.

pub mod model;
pub mod pages;
pub mod search;

pub use model::{Guide, all, get};
pub use pages::router;
