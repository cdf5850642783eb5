//! Full-text search (stub while deps build).
