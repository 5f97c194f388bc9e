//! Reading a room's messages (chat §4.1, §4.6): pages in either direction by key range, single
//! messages, parents in one batch, and the cheap "anything new?" read of the long poll.

use aws_sdk_dynamodb::types::AttributeValue;

use super::items::{Item, from_item, key, s};
use super::keys::{MESSAGE_PREFIX, ROOM_SK, message_sk, participant_sk, room_pk};
use super::queries::{CONDITION_FAILED, succeeded};
use super::{Store, StoreError};
use crate::model::{Message, Participant, RoomToken};

/// Which way a page of messages goes from its starting id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Older messages, newest first (history).
    Older,
    /// Newer messages, oldest first (the future).
    Newer,
}

impl Store {
    /// Up to `limit` messages of the room beyond `from` in `direction` (`inclusive` takes
    /// `from` itself too); from the very first (or newest) when `from` is `None`. One Query,
    /// strongly consistent.
    pub async fn message_page(
        &self,
        token: &RoomToken,
        from: Option<i64>,
        inclusive: bool,
        direction: Direction,
        limit: i32,
    ) -> Result<Vec<Message>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .limit(limit)
            .scan_index_forward(direction == Direction::Newer)
            .expression_attribute_values(":pk", s(room_pk(token)));
        query = match (from, direction) {
            (None, _) => query
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", s(MESSAGE_PREFIX)),
            (Some(id), Direction::Newer) => query
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :last")
                .expression_attribute_values(":from", s(message_sk(if inclusive { id } else { id + 1 }.max(0))))
                .expression_attribute_values(":last", s(message_sk(i64::MAX))),
            (Some(id), Direction::Older) => query
                .key_condition_expression("pk = :pk AND sk BETWEEN :first AND :from")
                .expression_attribute_values(":first", s(message_sk(0)))
                .expression_attribute_values(":from", s(message_sk(if inclusive { id } else { id - 1 }.max(0)))),
        };
        let output = query.send().await?;
        output.items.unwrap_or_default().into_iter().map(from_item).collect()
    }

    /// One message of the room, if it exists (one GetItem).
    pub async fn message(&self, token: &RoomToken, id: i64) -> Result<Option<Message>, StoreError> {
        if id <= 0 {
            return Ok(None);
        }
        self.get(room_pk(token), &message_sk(id))
            .await?
            .map(from_item)
            .transpose()
    }

    /// The messages of these ids that exist in the room (one `BatchGetItem` per 100).
    pub async fn messages_by_id(&self, token: &RoomToken, ids: &[i64]) -> Result<Vec<Message>, StoreError> {
        let keys: Vec<Item> = ids
            .iter()
            .filter(|id| **id > 0)
            .map(|id| key(room_pk(token), message_sk(*id)))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.batch_get(keys).await?.into_iter().map(from_item).collect()
    }

    /// Moves a participant's read marker (chat §4.1, §4.5) and, when given, their
    /// `lastAttendeeActivity`, without touching the rest of the row (a session refresh may
    /// land meanwhile); `advance_only` keeps a marker that is already further. `false` when the
    /// row is gone or (advance only) the marker is further.
    pub async fn set_read_marker(
        &self,
        token: &RoomToken,
        row: &Participant,
        advance_only: bool,
    ) -> Result<bool, StoreError> {
        let condition = if advance_only {
            "attribute_exists(pk) AND (attribute_not_exists(lastReadMessage) OR lastReadMessage < :id)"
        } else {
            "attribute_exists(pk)"
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), participant_sk(row))))
            .update_expression("SET lastReadMessage = :id, readComments = :comments, lastAttendeeActivity = :activity")
            .condition_expression(condition)
            .expression_attribute_values(":id", AttributeValue::N(row.last_read_message.to_string()))
            .expression_attribute_values(":comments", AttributeValue::N(row.read_comments.to_string()))
            .expression_attribute_values(":activity", AttributeValue::N(row.last_attendee_activity.to_string()))
            .send()
            .await;
        succeeded(result, CONDITION_FAILED)
    }

    /// Deletes the room's messages older than `id` (after `history_cleared`, chat §4.8).
    pub async fn delete_messages_before(&self, token: &RoomToken, id: i64) -> Result<(), StoreError> {
        let items = self
            .query_partition(room_pk(token), MESSAGE_PREFIX, Some("pk, sk"))
            .await?;
        let cutoff = message_sk(id);
        let keys = items
            .iter()
            .filter_map(|item| {
                let sk = super::items::string_attr(item, "sk")?;
                (sk < cutoff.as_str()).then(|| (room_pk(token), sk.to_string()))
            })
            .collect();
        self.delete_keys(keys).await
    }

    /// The id of the room's newest message, or `None` when the room is gone: one eventually
    /// consistent GetItem of the room item projected to that number (the long poll's check).
    pub async fn newest_message_id(&self, token: &RoomToken) -> Result<Option<i64>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), ROOM_SK)))
            .projection_expression("lastMessageId")
            .send()
            .await?;
        Ok(output.item.map(|item| {
            item.get("lastMessageId")
                .and_then(|value| match value {
                    AttributeValue::N(n) => n.parse().ok(),
                    _ => None,
                })
                .unwrap_or(0)
        }))
    }
}
