//! 政府信息公开目录 on the publishing side: what makes a published item a catalog entry.
//!
//! - `fields`: the catalog fields' allowed values and their checks (文号 with 〔〕, ISO
//!   dates, 目录类别 of 条例 第二十条/第二十一条, 文件属性, 有效性, 公开方式).
//! - `codes`: the editable code tables 主题分类 and 体裁分类 (State Council scheme by default),
//!   and `codes_admin`, their page at `/admin/gk/codes`.
//! - `index_no`: the 索引号 given at first publication, unique and never reused.
//! - `late`: the 20-working-day rule of 条例 第二十六条, flagged at publication and listed.
//! - `form`: the item form's catalog fields.
//!
//! The public catalog (`disclosure::catalog`) reads what this folder writes.

pub mod codes;
pub mod codes_admin;
pub mod demo;
pub mod fields;
pub mod form;
pub mod index_no;
pub mod late;
