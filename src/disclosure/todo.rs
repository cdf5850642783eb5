//! Disclosure 待办.
