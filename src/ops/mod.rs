//! Operations: health and readiness probes, Prometheus metrics, the control socket.

pub mod backup;
pub mod control;
pub mod memory;
pub mod restore;
pub mod routes;
