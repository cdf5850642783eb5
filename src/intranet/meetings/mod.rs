//! 会议通知: meeting notices with replies (回执) per invited unit. (Being built.)

pub mod todo;
