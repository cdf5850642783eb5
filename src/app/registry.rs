//! The registrations: every capability's navigation entries, 待办 sources and search sources,
//! gathered in one place. Adding a capability adds lines here, not edits to the shell, the
//! workbench, 我的工作 or the indexer.

use crate::staff::registry::{NavEntry, Registry, Shows};
use crate::{admin, disclosure, intranet, mailbox, portal, projects, publishing, search};

/// The staff side's registrations, in the order the navigation shows them.
pub fn staff() -> Registry {
    let mut nav: Vec<NavEntry> = Vec::new();
    nav.extend_from_slice(admin::NAV);
    // 我的工作 shows for whoever has work from any registered source.
    nav.push(NavEntry::new("/admin/work", "我的工作", Shows::Work));
    nav.extend_from_slice(publishing::NAV);
    nav.extend_from_slice(disclosure::NAV);
    nav.extend_from_slice(mailbox::NAV);
    nav.extend_from_slice(projects::NAV);
    nav.extend_from_slice(intranet::NAV);
    nav.extend_from_slice(admin::ACCOUNT_NAV);
    Registry {
        nav,
        todo: vec![
            Box::new(publishing::review::worklist::PublishingWork),
            Box::new(disclosure::todo::DisclosureWork),
            Box::new(mailbox::todo::MailboxWork),
            Box::new(projects::todo::ProjectsWork),
            Box::new(intranet::todo::IntranetWork),
        ],
        site_checks: vec![
            disclosure::checks::rows,
            mailbox::checks::rows,
            projects::checks::rows,
        ],
    }
}

/// Every kind of search document, with how to rebuild it: one line per capability.
pub const SEARCH_SOURCES: &[search::Source] = &[
    portal::search_docs::SOURCE,
    disclosure::report::search::SOURCE,
    disclosure::guide::search::SOURCE,
    mailbox::search::SOURCE,
    projects::search::SOURCE,
];
