//! The unit tree as one value: every unit, with the government office found once.

use crate::auth::model::{Unit, UnitCode, UnitKind};

/// The unit tree, with the office found once.
pub struct Units {
    pub units: Vec<Unit>,
    pub office: Option<UnitCode>,
}

impl Units {
    pub fn new(units: Vec<Unit>) -> Units {
        let office = units
            .iter()
            .find(|u| u.kind == UnitKind::Office)
            .map(|u| u.code.clone());
        Units { units, office }
    }

    pub fn path(&self, code: &UnitCode) -> Vec<UnitCode> {
        crate::auth::store::unit_path(&self.units, code)
    }

    pub fn office_path(&self) -> Vec<UnitCode> {
        self.office
            .as_ref()
            .map(|o| self.path(o))
            .unwrap_or_default()
    }

    pub fn name(&self, code: &UnitCode) -> String {
        self.units
            .iter()
            .find(|u| &u.code == code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// Whether `site` lies in `owner`'s subtree (the owner's own sites).
    pub fn owns(&self, owner: &UnitCode, site: &UnitCode) -> bool {
        self.path(site).contains(owner)
    }
}
