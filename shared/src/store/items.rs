//! Conversions between domain values and DynamoDB items.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use super::keys::{GSI1_PK, GSI1_SK, PK, SK};

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// A string attribute value.
pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute value.
pub fn number(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The primary key of an item.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// Serialises `value` into an item under the given key.
pub fn to_item<T: Serialize>(value: &T, pk: impl Into<String>, sk: impl Into<String>) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(value)?;
    item.extend(key(pk, sk));
    Ok(item)
}

/// Adds GSI1 keys to an item.
pub fn with_gsi1(mut item: Item, gsi1pk: impl Into<String>, gsi1sk: impl Into<String>) -> Item {
    item.insert(GSI1_PK.to_string(), s(gsi1pk));
    item.insert(GSI1_SK.to_string(), s(gsi1sk));
    item
}

/// Reads a value from an item; key attributes are ignored.
pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    Ok(serde_dynamo::from_item(item)?)
}

/// A string attribute of an item.
pub fn string_attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name).and_then(|value| value.as_s().ok()).map(String::as_str)
}
