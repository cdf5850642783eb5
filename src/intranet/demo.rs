//! The demo district's intranet: documents at every state, a meeting with some replies in,
//! a few files, so every demo account finds intranet work on first login.
