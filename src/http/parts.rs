//! The state a capability keeps for the life of the process (the portal's sites and channels
//! snapshot, …), held in the one `AppState` without the foundation knowing the capability's
//! types: one value per type, put in by the composition root before serving starts.

use std::any::{Any, TypeId};
use std::collections::HashMap;

#[derive(Default)]
pub struct Parts(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl Parts {
    /// Adds (or replaces) the value of type `T`.
    pub fn with<T: Any + Send + Sync>(mut self, value: T) -> Parts {
        self.0.insert(TypeId::of::<T>(), Box::new(value));
        self
    }

    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::Parts;

    #[test]
    fn one_value_per_type() {
        let p = Parts::default()
            .with(7u32)
            .with(String::from("门户"))
            .with(9u32);
        assert_eq!(p.get::<u32>(), Some(&9));
        assert_eq!(p.get::<String>().map(String::as_str), Some("门户"));
        assert_eq!(p.get::<u64>(), None);
    }
}
