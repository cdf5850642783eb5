//! Published reports as search documents of their own kind (年度报告): what the index holds
//! for one, the rebuild source (registered in `app::registry::SEARCH_SOURCES`), and the
//! update after each flow step.

use super::model::{AnnualReport, title};
use super::store;
use super::tables::HEADINGS;
use crate::auth::units::Units;
use crate::disclosure::units::area_href;
use crate::error::Result;
use crate::http::Shared;
use crate::search::{Kind, SearchDoc, Source};
use crate::store::Store;

pub const REPORT: Kind = Kind {
    key: "gk_report",
    label: "年度报告",
};

/// Registered by the composition root.
pub const SOURCE: Source = Source {
    kind: REPORT,
    rebuild,
};

/// The public address of a unit's report of a year.
pub fn url(units: &Units, r: &AnnualReport) -> String {
    format!("{}reports/{}", area_href(units, &r.unit), r.year)
}

/// What the index holds for a published report: its title, and its sections' headings
/// and texts.
pub fn doc(units: &Units, r: &AnnualReport) -> SearchDoc {
    let t = &r.texts;
    let body = [
        (HEADINGS[0], &t.overview),
        (HEADINGS[4], &t.problems),
        (HEADINGS[5], &t.other),
    ]
    .iter()
    .map(|(h, s)| format!("{h}\n{s}"))
    .collect::<Vec<_>>()
    .join("\n");
    SearchDoc {
        kind: REPORT.key,
        id: r.id,
        site: r.unit.to_string(),
        channels: Vec::new(),
        unit: r.unit.to_string(),
        title: title(&units.name(&r.unit), r.year),
        body_text: body,
        attachment_names: Vec::new(),
        publish_ms: r.published_ms.unwrap_or(r.updated_ms),
        url: url(units, r),
    }
}

/// After a flow step: a published report is (re)indexed, any other removed.
pub fn index(st: &Shared, units: &Units, r: &AnnualReport) {
    let Some(ix) = st.search.get() else {
        return;
    };
    if r.is_published() {
        ix.put(doc(units, r));
    } else {
        ix.remove(REPORT.key, r.id);
    }
}

/// Every published report.
fn rebuild(store: &Store, put: &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()> {
    let (units, reports) = store.read_blocking(|txn| {
        Ok((
            Units::new(crate::auth::store::list_units(txn)?),
            store::all(txn)?,
        ))
    })?;
    for r in reports.iter().filter(|r| r.is_published()) {
        put(doc(&units, r))?;
    }
    Ok(())
}
