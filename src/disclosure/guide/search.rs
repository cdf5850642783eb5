//! Compiled 公开指南 as search documents of their own kind, so "依申请公开 地址" or a unit's
//! office hours are found from the site search.

use super::model::{self as guide, Guide};
use crate::auth::units::Units;
use crate::disclosure::units;
use crate::error::Result;
use crate::http::Shared;
use crate::search::{Kind, SearchDoc, Source};
use crate::store::Store;

pub const GUIDE: Kind = Kind {
    key: "gk_guide",
    label: "公开指南",
};

/// Registered by the composition root.
pub const SOURCE: Source = Source {
    kind: GUIDE,
    rebuild,
};

/// A stable id for a unit's guide (units are keyed by code, the index by number).
fn id_of(code: &str) -> u64 {
    let h = crate::ids::sha256_hex(code.as_bytes());
    u64::from_str_radix(&h[..15], 16).unwrap_or(0)
}

fn doc(all: &Units, code: &str, g: &Guide) -> Option<SearchDoc> {
    let u = all.units.iter().find(|u| u.code.as_str() == code)?;
    let body = [
        g.classification.as_str(),
        g.obtaining.as_str(),
        g.office_name.as_str(),
        g.address.as_str(),
        g.hours.as_str(),
        g.phone.as_str(),
        g.online.as_str(),
        g.other.as_str(),
    ]
    .join("\n");
    Some(SearchDoc {
        kind: GUIDE.key,
        id: id_of(code),
        site: code.to_owned(),
        channels: Vec::new(),
        unit: code.to_owned(),
        title: format!("{}政府信息公开指南", u.name),
        body_text: body,
        attachment_names: Vec::new(),
        publish_ms: g.updated_ms,
        url: format!("{}guide", units::area_href(all, &u.code)),
    })
}

/// After a guide is saved.
pub fn index(st: &Shared, all: &Units, code: &str, g: &Guide) {
    if let (Some(ix), Some(d)) = (st.search.get(), doc(all, code, g)) {
        ix.put(d);
    }
}

/// Every compiled guide of a unit that still discloses.
fn rebuild(store: &Store, put: &mut dyn FnMut(SearchDoc) -> Result<()>) -> Result<()> {
    let (all, guides) = store.read_blocking(|txn| {
        Ok((
            Units::new(crate::auth::store::list_units(txn)?),
            guide::all(txn)?,
        ))
    })?;
    for (code, g) in &guides {
        if units::find(&all, code).is_some()
            && let Some(d) = doc(&all, code, g)
        {
            put(d)?;
        }
    }
    Ok(())
}
