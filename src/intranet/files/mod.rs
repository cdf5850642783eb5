//! 文件传输: large files uploaded over tus, sent to people or shared by link. (Being built.)

pub mod model;
pub mod serve;
pub mod todo;
