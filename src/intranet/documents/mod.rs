//! 公文: official documents sent to units and people, signed for (签收), remarked on
//! (批阅), reminded (催办) and passed on down the unit tree (转发), each step timestamped.

pub mod routes;
pub mod todo;
