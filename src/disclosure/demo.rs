//! The disclosure demo.
