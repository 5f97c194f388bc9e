//! PHP's empty array: Talk sends `[]` where an object or a map is absent (spec §3.1), and
//! maps whose keys keep their order.

use serde::{Serialize, Serializer};

/// A value, or `[]` when `None`.
#[derive(Debug)]
pub struct OrEmptyList<T>(pub Option<T>);

impl<T: Serialize> Serialize for OrEmptyList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(value) => value.serialize(serializer),
            None => serializer.collect_seq(std::iter::empty::<()>()),
        }
    }
}

/// Pairs written as a map, in their order.
#[derive(Debug)]
pub struct OrderedMap<K, V>(pub Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for OrderedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}
