//! Counting DynamoDB calls with an SDK interceptor, so tests and benchmarks can check the
//! round-trip budget (design.md) from what the SDK really sent.
//!
//! A *round* is a stretch of time with at least one call in flight: calls started together
//! (`tokio::join!`) overlap and count as one sequential round trip. Reads and writes are
//! counted separately.

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::operation::scan::ScanOutput;
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsOutput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// What the counter has seen since it was created or last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallStats {
    /// Read calls started (GetItem, Query, BatchGetItem, ...).
    pub read_calls: usize,
    /// Write calls started (PutItem, UpdateItem, TransactWriteItems, ...).
    pub write_calls: usize,
    /// Sequential rounds of read calls.
    pub read_rounds: usize,
    /// Sequential rounds of write calls.
    pub write_rounds: usize,
    /// Items the calls returned (an item a GetItem found, a Query's or BatchGetItem's items).
    pub items_read: usize,
    /// Items the calls put, updated or deleted (condition checks are not writes).
    pub items_written: usize,
    /// Time with at least one call in flight.
    pub busy: std::time::Duration,
    /// The IAM actions the calls needed (a transaction needs those of its items), for checking
    /// each function's policy against what it really does.
    pub actions: std::collections::BTreeSet<String>,
    /// The partition key prefixes (`ROOM#`, `PAIR#`, ...) of the items written or
    /// condition-checked, for checking each function's `dynamodb:LeadingKeys`.
    pub written_prefixes: std::collections::BTreeSet<String>,
    reads_in_flight: usize,
    writes_in_flight: usize,
    busy_since: Option<std::time::Instant>,
}

impl CallStats {
    /// Number of calls made.
    pub fn calls(&self) -> usize {
        self.read_calls + self.write_calls
    }
}

/// Shared call counter; clones count into the same totals.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<CallStats>>);

impl CallCounter {
    /// Installs this counter as an interceptor on a DynamoDB client configuration.
    pub fn install(&self, builder: aws_sdk_dynamodb::config::Builder) -> aws_sdk_dynamodb::config::Builder {
        builder.interceptor(self.clone())
    }

    /// A copy of the totals.
    pub fn snapshot(&self) -> CallStats {
        self.lock().clone()
    }

    /// Starts counting from zero.
    pub fn reset(&self) {
        let mut stats = self.lock();
        let (reads, writes) = (stats.reads_in_flight, stats.writes_in_flight);
        *stats = CallStats {
            reads_in_flight: reads,
            writes_in_flight: writes,
            ..CallStats::default()
        };
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CallStats> {
        // A poisoned lock only means a panicking thread held it; the counts are still usable.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn is_write(operation: &str) -> bool {
    !matches!(
        operation,
        "GetItem" | "BatchGetItem" | "Query" | "Scan" | "TransactGetItems" | "DescribeTable"
    )
}

fn operation_name(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map(|metadata| metadata.name().to_string())
        .unwrap_or_default()
}

impl CallStats {
    /// Counts a call of `operation` starting (`true`) or ending (`false`).
    fn track(&mut self, operation: &str, starting: bool) {
        let (calls, in_flight, rounds) = if is_write(operation) {
            (
                &mut self.write_calls,
                &mut self.writes_in_flight,
                &mut self.write_rounds,
            )
        } else {
            (&mut self.read_calls, &mut self.reads_in_flight, &mut self.read_rounds)
        };
        if starting {
            *calls += 1;
            *in_flight += 1;
            if *in_flight == 1 {
                *rounds += 1;
            }
        } else {
            *in_flight = in_flight.saturating_sub(1);
        }
        let idle = self.reads_in_flight + self.writes_in_flight == 0;
        match (self.busy_since, idle) {
            (None, false) => self.busy_since = Some(std::time::Instant::now()),
            (Some(since), true) => {
                self.busy += since.elapsed();
                self.busy_since = None;
            }
            _ => {}
        }
    }
}

/// How many items a read call's output carries.
fn items_returned(output: &Output) -> usize {
    if let Some(get) = output.downcast_ref::<GetItemOutput>() {
        usize::from(get.item.is_some())
    } else if let Some(query) = output.downcast_ref::<QueryOutput>() {
        query.items().len()
    } else if let Some(batch) = output.downcast_ref::<BatchGetItemOutput>() {
        batch.responses().map_or(0, |r| r.values().map(Vec::len).sum())
    } else if let Some(scan) = output.downcast_ref::<ScanOutput>() {
        scan.items().len()
    } else if let Some(transaction) = output.downcast_ref::<TransactGetItemsOutput>() {
        transaction.responses().iter().filter(|r| r.item.is_some()).count()
    } else {
        0
    }
}

/// The prefix of an item's partition key up to its first `#` (`ROOM#`), if it has one.
fn pk_prefix(item: Option<&std::collections::HashMap<String, AttributeValue>>) -> Option<String> {
    let pk = item?.get(super::keys::PK)?.as_s().ok()?;
    pk.find('#').map(|end| pk[..=end].to_string())
}

/// The partition key prefixes of the items a write call touches.
fn written_prefixes(input: &aws_smithy_runtime_api::client::interceptors::context::Input) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
        for item in transaction.transact_items() {
            items.push(pk_prefix(
                item.put
                    .as_ref()
                    .map(|p| p.item())
                    .or(item.update.as_ref().map(|u| u.key()))
                    .or(item.delete.as_ref().map(|d| d.key()))
                    .or(item.condition_check.as_ref().map(|c| c.key())),
            ));
        }
    } else if let Some(batch) = input.downcast_ref::<BatchWriteItemInput>() {
        for request in batch.request_items().into_iter().flat_map(|r| r.values().flatten()) {
            items.push(pk_prefix(
                request
                    .put_request
                    .as_ref()
                    .map(|p| p.item())
                    .or(request.delete_request.as_ref().map(|d| d.key())),
            ));
        }
    } else if let Some(put) = input.downcast_ref::<PutItemInput>() {
        items.push(pk_prefix(put.item()));
    } else if let Some(update) = input.downcast_ref::<UpdateItemInput>() {
        items.push(pk_prefix(update.key()));
    } else if let Some(delete) = input.downcast_ref::<DeleteItemInput>() {
        items.push(pk_prefix(delete.key()));
    }
    items.into_iter().flatten().collect()
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    // Called once per call, after the operation's metadata is in the config bag (it is not yet
    // there in `read_before_execution`).
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = operation_name(cfg);
        let mut stats = self.lock();
        stats.track(&operation, true);
        let input = context.input();
        stats.written_prefixes.extend(written_prefixes(input));
        if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
            for item in transaction.transact_items() {
                let action = match (&item.put, &item.update, &item.delete) {
                    (Some(_), _, _) => "PutItem",
                    (_, Some(_), _) => "UpdateItem",
                    (_, _, Some(_)) => "DeleteItem",
                    _ => "ConditionCheckItem",
                };
                if action != "ConditionCheckItem" {
                    stats.items_written += 1;
                }
                stats.actions.insert(action.to_string());
            }
        } else {
            stats.items_written += match input.downcast_ref::<BatchWriteItemInput>() {
                Some(batch) => batch.request_items().map_or(0, |r| r.values().map(Vec::len).sum()),
                None => usize::from(matches!(operation.as_str(), "PutItem" | "UpdateItem" | "DeleteItem")),
            };
            stats.actions.insert(operation);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let found = match context.output_or_error() {
            Some(Ok(output)) => items_returned(output),
            _ => 0,
        };
        let mut stats = self.lock();
        stats.items_read += found;
        stats.track(&operation_name(cfg), false);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_calls_count_as_one_round() {
        let mut stats = CallStats::default();
        stats.track("GetItem", true);
        stats.track("Query", true);
        stats.track("GetItem", false);
        stats.track("Query", false);
        stats.track("Query", true);
        stats.track("Query", false);
        stats.track("TransactWriteItems", true);
        stats.track("TransactWriteItems", false);
        assert_eq!((stats.read_calls, stats.read_rounds), (3, 2));
        assert_eq!((stats.write_calls, stats.write_rounds), (1, 1));
        assert_eq!(stats.calls(), 4);
    }
}
