//! The few DynamoDB call shapes every part of the store uses, written once.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, KeysAndAttributes, Put, TransactWriteItem, WriteRequest};

use super::items::{Item, key, s};
use super::keys::GSI1;
use super::{Store, StoreError};

/// `true` when the call succeeded, `false` when DynamoDB refused it with `refusal` (a condition
/// that did not hold); any other failure is an error.
pub(super) fn succeeded<O, E, R>(result: Result<O, SdkError<E, R>>, refusal: &str) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    Ok(refused_as_none(result, refusal)?.is_some())
}

/// The call's output, `None` when DynamoDB refused it with `refusal`; any other failure is an
/// error.
pub(super) fn refused_as_none<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    refusal: &str,
) -> Result<Option<O>, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(output) => Ok(Some(output)),
        Err(error) if error.as_service_error().and_then(|e| e.code()) == Some(refusal) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// The reason codes of a cancelled transaction, one per item in order (`"None"` for an item
/// that did not fail); `None` when the call failed otherwise.
pub(super) fn cancellation_codes<R>(error: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<&str>> {
    match error.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
            cancelled
                .cancellation_reasons()
                .iter()
                .map(|reason| reason.code().unwrap_or("None"))
                .collect(),
        ),
        _ => None,
    }
}

/// A transaction item's cancellation code when its condition did not hold.
pub(super) const ITEM_CONDITION_FAILED: &str = "ConditionalCheckFailed";

/// Most items in one batch write.
const MAX_BATCH_ITEMS: usize = 25;
/// Most keys one `BatchGetItem` call may ask for.
const MAX_BATCH_GET_KEYS: usize = 100;

/// DynamoDB's refusal of a single-item write whose condition failed.
pub(super) const CONDITION_FAILED: &str = "ConditionalCheckFailedException";
/// DynamoDB's refusal of a transaction (here: one of its conditions failed).
pub(super) const TRANSACTION_CANCELED: &str = "TransactionCanceledException";

impl Store {
    /// Writes (puts or deletes) items in concurrent batches, retrying what DynamoDB leaves
    /// unprocessed.
    pub(super) async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        let batches = requests.chunks(MAX_BATCH_ITEMS).map(|chunk| async move {
            let mut requests = chunk.to_vec();
            while !requests.is_empty() {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await?;
                requests = output
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
            }
            Ok::<_, StoreError>(())
        });
        futures::future::try_join_all(batches).await?;
        Ok(())
    }

    /// A transaction with a fresh idempotency token: when the SDK retries it after a lost
    /// response, DynamoDB applies it once.
    pub(super) fn transaction(
        &self,
    ) -> aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsFluentBuilder {
        let token = crate::model::secrets::random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 32);
        self.client.transact_write_items().client_request_token(token)
    }

    /// One item by key (strongly consistent).
    pub(super) async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(output.item)
    }

    /// The items of partition `pk` whose sort key starts with `prefix` (all of them for `""`),
    /// strongly consistent, every page; only the `projection` attributes when given.
    pub(super) async fn query_partition(
        &self,
        pk: String,
        prefix: &str,
        projection: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
            .set_projection_expression(projection.map(str::to_string));
        query = if prefix.is_empty() {
            query.key_condition_expression("pk = :pk")
        } else {
            query
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", s(prefix))
        };
        Ok(query.into_paginator().items().send().try_collect().await?)
    }

    /// The index entries under `gsi1pk` whose `gsi1sk` starts with `prefix`, every page.
    pub(super) async fn query_index(&self, gsi1pk: String, prefix: &str) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :prefix)")
            .expression_attribute_values(":pk", s(gsi1pk))
            .expression_attribute_values(":prefix", s(prefix))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await?)
    }

    /// The items of `keys` that exist (strongly consistent), in any order: `BatchGetItem`
    /// with at most 100 keys a call, the calls concurrent, unprocessed keys asked again.
    pub(super) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let batches = keys.chunks(MAX_BATCH_GET_KEYS).map(|chunk| async move {
            let mut wanted = chunk.to_vec();
            let mut found = Vec::new();
            while !wanted.is_empty() {
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(wanted))
                    .consistent_read(true)
                    .build()?;
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await?;
                found.extend(
                    output
                        .responses
                        .and_then(|mut responses| responses.remove(&self.table))
                        .unwrap_or_default(),
                );
                wanted = output
                    .unprocessed_keys
                    .and_then(|mut left| left.remove(&self.table))
                    .map(|left| left.keys)
                    .unwrap_or_default();
            }
            Ok::<_, StoreError>(found)
        });
        let found = futures::future::try_join_all(batches).await?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Deletes one item.
    pub(super) async fn delete_key(&self, pk: String, sk: String) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .send()
            .await?;
        Ok(())
    }

    /// Writes `item` unless an item with its key exists; `false` if one does.
    pub(super) async fn put_new(&self, item: Item) -> Result<bool, StoreError> {
        succeeded(
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await,
            CONDITION_FAILED,
        )
    }

    /// Writes `item` in a transaction that requires the item with key `required` to exist;
    /// `false` if it does not.
    pub(super) async fn put_if_exists(&self, required: Item, item: Item) -> Result<bool, StoreError> {
        self.put_if_all_exist(&[required], item).await
    }

    /// Writes `item` in a transaction that requires the items with these keys to exist;
    /// `false` if one does not.
    pub(super) async fn put_if_all_exist(&self, required: &[Item], item: Item) -> Result<bool, StoreError> {
        let mut request = self.transaction();
        for required in required {
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(required.clone()))
                .condition_expression("attribute_exists(pk)")
                .build()?;
            request = request.transact_items(TransactWriteItem::builder().condition_check(check).build());
        }
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build()?;
        succeeded(
            request
                .transact_items(TransactWriteItem::builder().put(put).build())
                .send()
                .await,
            TRANSACTION_CANCELED,
        )
    }
}
