//! Projects as search documents of their own kind (民生实事): the title, the responsible unit,
//! the target and the text of the published updates, so "加装电梯" finds the project page.

use super::model::{Project, Update};
use super::store;
use crate::auth::units::Units;
use crate::error::Result;
use crate::http::Shared;
use crate::search::{Kind, SearchDoc, Source};
use crate::store::Store;

pub const PROJECT: Kind = Kind {
    key: "project",
    label: "民生实事",
};

/// Registered by the composition root.
pub const SOURCE: Source = Source {
    kind: PROJECT,
    rebuild,
};

fn doc(units: &Units, p: &Project, updates: &[Update]) -> SearchDoc {
    let mut body = vec![units.name(&p.unit), p.target.clone()];
    body.extend(
        updates
            .iter()
            .filter(|u| u.is_public())
            .map(|u| u.text.clone()),
    );
    SearchDoc {
        kind: PROJECT.key,
        id: p.id,
        // The district's main portal, where the pages are.
        site: units
            .units
            .iter()
            .find(|u| u.parent.is_none())
            .map(|u| u.code.to_string())
            .unwrap_or_default(),
        channels: Vec::new(),
        unit: p.unit.to_string(),
        title: format!("{}年民生实事：{}", p.year, p.title),
        body_text: body.join("\n"),
        attachment_names: Vec::new(),
        publish_ms: p.created_ms,
        url: format!("/projects/{}", p.id),
    }
}

/// After a project is saved or one of its updates is published or taken down.
pub async fn index(st: &Shared, units: &Units, p: &Project) {
    let Some(ix) = st.search.get() else { return };
    let id = p.id;
    match st.store.read(move |txn| store::updates_of(txn, id)).await {
        Ok(updates) => ix.put(doc(units, p, &updates)),
        Err(e) => tracing::warn!("projects: search document of {id} not updated: {e}"),
    }
}

/// Every project (they are all public from the day they are listed).
fn rebuild(st: &Store, put: &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()> {
    let (units, all) = st.read_blocking(|txn| {
        let units = Units::new(crate::auth::store::list_units(txn)?);
        let mut all = Vec::new();
        for p in store::all(txn)? {
            let u = store::updates_of(txn, p.id)?;
            all.push((p, u));
        }
        Ok((units, all))
    })?;
    for (p, u) in &all {
        put(doc(&units, p, u))?;
    }
    Ok(())
}
