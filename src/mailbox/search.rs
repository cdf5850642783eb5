//! Published letters as search documents of their own kind (信件公开), so a resident finds
//! an earlier answer before writing again.

use super::model::Letter;
use super::store;
use crate::error::Result;
use crate::http::Shared;
use crate::search::{Kind, SearchDoc, Source};
use crate::store::Store;

pub const LETTER: Kind = Kind {
    key: "mb_letter",
    label: "信件公开",
};

/// Registered by the composition root.
pub const SOURCE: Source = Source {
    kind: LETTER,
    rebuild,
};

fn doc(l: &Letter) -> Option<SearchDoc> {
    let p = l.publication.as_ref()?;
    let unit = l
        .answer
        .as_ref()
        .map(|a| a.unit.to_string())
        .unwrap_or_default();
    Some(SearchDoc {
        kind: LETTER.key,
        id: l.id,
        site: String::new(),
        channels: Vec::new(),
        unit,
        title: p.title.clone(),
        body_text: format!("{}\n{}", p.content, p.answer),
        attachment_names: Vec::new(),
        publish_ms: crate::clock::to_ms(
            p.on.with_hms(0, 0, 0)
                .map(|t| t.assume_offset(crate::clock::CST))
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        ),
        url: format!("/mailbox/letters/{}", l.id),
    })
}

/// After a step: a published letter is (re)indexed, any other removed.
pub fn index(st: &Shared, l: &Letter) {
    let Some(ix) = st.search.get() else {
        return;
    };
    match doc(l) {
        Some(d) => ix.put(d),
        None => ix.remove(LETTER.key, l.id),
    }
}

fn rebuild(store: &Store, put: &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()> {
    let letters = store.read_blocking(store::all)?;
    for l in &letters {
        if let Some(d) = doc(l) {
            put(d)?;
        }
    }
    Ok(())
}
