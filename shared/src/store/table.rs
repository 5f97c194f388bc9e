//! The table's definition (the same as `template.yaml` declares; a test compares them) and its
//! creation for local and fresh deployments.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType,
};

use aws_sdk_dynamodb::types::TimeToLiveSpecification;

use super::keys::{EXPIRES_AT, GSI1, GSI1_PK, GSI1_SK, PK, SK};
use super::{Store, StoreError};

/// The key schema of the table and its one index.
pub struct TableDefinition;

impl TableDefinition {
    /// Every key attribute (all strings).
    pub const KEY_ATTRIBUTES: [&'static str; 4] = [PK, SK, GSI1_PK, GSI1_SK];
    /// The table's hash and range keys.
    pub const PRIMARY_KEY: (&'static str, &'static str) = (PK, SK);
    /// The index name and its hash and range keys.
    pub const INDEX: (&'static str, &'static str, &'static str) = (GSI1, GSI1_PK, GSI1_SK);
    /// The index projects whole items: the v4 room list reads the caller's participant rows
    /// from it, then only the room items (v4 §6.1).
    pub const INDEX_PROJECTION: &'static str = "ALL";
    /// The attribute DynamoDB's time to live reads (unix seconds): rows of ended sessions go.
    pub const TIME_TO_LIVE: &'static str = EXPIRES_AT;
}

fn key_schema(hash: &str, range: &str) -> Result<Vec<KeySchemaElement>, StoreError> {
    Ok(vec![
        KeySchemaElement::builder()
            .attribute_name(hash)
            .key_type(KeyType::Hash)
            .build()?,
        KeySchemaElement::builder()
            .attribute_name(range)
            .key_type(KeyType::Range)
            .build()?,
    ])
}

impl Store {
    /// Creates the table if it does not exist, with time to live on [`EXPIRES_AT`]; `true`
    /// when it was created now.
    pub async fn create_table(&self) -> Result<bool, StoreError> {
        let created = self.create_table_only().await?;
        if created {
            let specification = TimeToLiveSpecification::builder()
                .attribute_name(EXPIRES_AT)
                .enabled(true)
                .build()?;
            self.client
                .update_time_to_live()
                .table_name(&self.table)
                .time_to_live_specification(specification)
                .send()
                .await?;
        }
        Ok(created)
    }

    /// The name of the attribute the table's time to live reads, if it is enabled.
    pub async fn time_to_live_attribute(&self) -> Result<Option<String>, StoreError> {
        let output = self
            .client
            .describe_time_to_live()
            .table_name(&self.table)
            .send()
            .await?;
        Ok(output
            .time_to_live_description()
            .filter(|d| d.time_to_live_status().is_some_and(|s| s.as_str() == "ENABLED"))
            .and_then(|d| d.attribute_name().map(str::to_string)))
    }

    async fn create_table_only(&self) -> Result<bool, StoreError> {
        let mut request = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(key_schema(PK, SK)?));
        for name in TableDefinition::KEY_ATTRIBUTES {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(name)
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            );
        }
        let index = GlobalSecondaryIndex::builder()
            .index_name(GSI1)
            .set_key_schema(Some(key_schema(GSI1_PK, GSI1_SK)?))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()?;
        match request.global_secondary_indexes(index).send().await {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_in_use_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(error.into()),
        }
    }
}

impl Store {
    /// The `(pk, sk)` of every item in the table: for invariant checks and tests, never on a
    /// request path.
    pub async fn scan_keys(&self) -> Result<Vec<(String, String)>, StoreError> {
        let items: Vec<super::items::Item> = self
            .client
            .scan()
            .table_name(&self.table)
            .projection_expression("pk, sk")
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                Some((
                    super::items::string_attr(item, PK)?.to_string(),
                    super::items::string_attr(item, SK)?.to_string(),
                ))
            })
            .collect())
    }
}
