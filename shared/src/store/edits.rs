//! Committing changes to existing rooms: each is one transaction conditional on the room's
//! `version`, so a change never lands on a room that changed (or vanished) since it was read,
//! and a change never lands without its system message, or the reverse.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, DeleteRequest, Put, TransactWriteItem, Update, WriteRequest,
};

use super::items::{key, string_attr, to_item};
use super::keys::{
    MESSAGE_PREFIX, PAIR_SK, ROOM_SK, message_sk, pair_pk, participant_sk, room_pk, user_participant_sk,
};
use super::queries::{CONDITION_FAILED, ITEM_CONDITION_FAILED, cancellation_codes, refused_as_none, succeeded};
use super::rooms::participant_item;
use super::{Store, StoreError};
use crate::model::{Message, NotificationLevel, Participant, Room, RoomAggregate, RoomToken, RoomType, UserId};

/// Most items in one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;
const VERSION_CONDITION: &str = "version = :expected";

/// A decided change to a room.
pub struct RoomEdit<'a> {
    /// The room as the change was decided on: its version, and which rows existed.
    pub previous: &'a RoomAggregate,
    /// The room's new state (with its version bumped).
    pub room: &'a Room,
    pub message: Option<&'a Message>,
    /// Participant rows written as given (new participants, changed types).
    pub upserted: &'a [Participant],
    pub removed: &'a [Participant],
    /// Existing messages written back changed; each must still exist.
    pub rewritten: &'a [Message],
    /// Deletes the one-to-one pair's lock.
    pub releases_pair: bool,
}

fn version_value(version: i64) -> AttributeValue {
    AttributeValue::N(version.to_string())
}

fn delete(table: &str, pk: String, sk: String) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .delete(Delete::builder().table_name(table).set_key(Some(key(pk, sk))).build()?)
        .build())
}

/// Whether a transaction failed because one of its conditions did not hold (the room or a row
/// changed since it was read); any other failure is an error.
fn changed_meanwhile(
    error: aws_sdk_dynamodb::error::SdkError<TransactWriteItemsError, impl std::fmt::Debug>,
) -> Result<bool, StoreError> {
    match cancellation_codes(&error) {
        Some(codes) if codes.contains(&ITEM_CONDITION_FAILED) => Ok(true),
        _ => Err(error.into()),
    }
}

/// The condition of writing `row`: a changed row must still exist (a session that ended
/// meanwhile is not brought back), a new one must not exist yet, and a stale row (an ended
/// session) is overwritten.
fn upsert_condition(previous: &RoomAggregate, row: &Participant) -> Option<&'static str> {
    let sk = participant_sk(row);
    let same = |p: &&Participant| participant_sk(p) == sk;
    if previous.participants.iter().any(|p| same(&p)) {
        Some("attribute_exists(pk)")
    } else if previous.stale.iter().any(|p| same(&p)) {
        None
    } else {
        Some("attribute_not_exists(pk)")
    }
}

impl Store {
    /// Commits a room change; `false` when the room or one of the rows it writes changed or
    /// vanished since it was read. Stale rows (ended sessions, guests of a room that is not
    /// public) go in the same transaction while it has room for them.
    pub async fn commit_edit(&self, edit: RoomEdit<'_>) -> Result<bool, StoreError> {
        let token = &edit.room.token;
        let room = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(edit.room, room_pk(token), ROOM_SK)?))
            .condition_expression(VERSION_CONDITION)
            .expression_attribute_values(":expected", version_value(edit.previous.room.version))
            .build()?;
        let mut items = vec![TransactWriteItem::builder().put(room).build()];
        if let Some(message) = edit.message {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(message, room_pk(token), message_sk(message.id))?))
                .condition_expression("attribute_not_exists(pk)")
                .build()?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        for message in edit.rewritten {
            // The rewrite lands only on the state it was decided on (`rev` one lower).
            let mut put = Put::builder().table_name(&self.table).set_item(Some(to_item(
                message,
                room_pk(token),
                message_sk(message.id),
            )?));
            put = match message.rev - 1 {
                previous if previous <= 0 => {
                    put.condition_expression("attribute_exists(pk) AND attribute_not_exists(rev)")
                }
                previous => put
                    .condition_expression("rev = :rev")
                    .expression_attribute_values(":rev", AttributeValue::N(previous.to_string())),
            };
            items.push(TransactWriteItem::builder().put(put.build()?).build());
        }
        if let (true, [a, b]) = (edit.releases_pair, edit.room.pair.as_slice()) {
            items.push(delete(&self.table, pair_pk(&a.id, &b.id), PAIR_SK.to_string())?);
        }
        let mut written: Vec<String> = Vec::new();
        for participant in edit.upserted {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(participant_item(token, participant)?))
                .set_condition_expression(upsert_condition(edit.previous, participant).map(str::to_string))
                .build()?;
            items.push(TransactWriteItem::builder().put(put).build());
            written.push(participant_sk(participant));
        }
        let mut removed: Vec<String> = edit.removed.iter().map(participant_sk).collect();
        removed.retain(|sk| !written.contains(sk));
        let (now, later) = removed.split_at(removed.len().min(MAX_TRANSACTION_ITEMS - items.len()));
        for sk in now {
            items.push(delete(&self.table, room_pk(token), sk.clone())?);
        }
        for stale in edit.previous.stale.iter().map(participant_sk) {
            if items.len() == MAX_TRANSACTION_ITEMS {
                break;
            }
            if !written.contains(&stale) && !removed.contains(&stale) {
                items.push(delete(&self.table, room_pk(token), stale)?);
            }
        }
        if let Err(error) = self.transaction().set_transact_items(Some(items)).send().await {
            return changed_meanwhile(error).map(|changed| !changed);
        }
        // Rows of a kind the room no longer grants anything to (e.g. guests of a now private
        // room) may follow the commit: they are stale from the moment it lands, so the change
        // stands even if deleting them fails; the room's next request removes them.
        let later = later.iter().map(|sk| (room_pk(token), sk.clone())).collect();
        if let Err(error) = self.delete_keys(later).await {
            tracing::warn!(%error, %token, "stale rows stay until the room's next request");
        }
        Ok(true)
    }

    /// Adds participant rows to a room in one transaction with a bump of the room's version,
    /// if the room is still at the version it was read at (so a change decided without these
    /// rows, such as deleting the room, cannot land after them); `false` when it is not.
    pub async fn add_participants(&self, aggregate: &RoomAggregate, rows: &[Participant]) -> Result<bool, StoreError> {
        let token = &aggregate.room.token;
        let room = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), ROOM_SK)))
            .update_expression("ADD version :one")
            .condition_expression(VERSION_CONDITION)
            .expression_attribute_values(":expected", version_value(aggregate.room.version))
            .expression_attribute_values(":one", version_value(1))
            .build()?;
        let mut items = vec![TransactWriteItem::builder().update(room).build()];
        for row in rows {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(participant_item(token, row)?))
                .set_condition_expression(upsert_condition(aggregate, row).map(str::to_string))
                .build()?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        if let Err(error) = self.transaction().set_transact_items(Some(items)).send().await {
            return changed_meanwhile(error).map(|changed| !changed);
        }
        Ok(true)
    }

    /// Deletes the stale rows of a room (ended sessions, guests of a room that is not public)
    /// if the room is still at the version they were read at: concurrent transactions of at
    /// most 99 rows, each conditional on that version. `false` when the room changed (the rows
    /// then go with its next change or request).
    pub async fn remove_stale(&self, aggregate: &RoomAggregate) -> Result<bool, StoreError> {
        let token = &aggregate.room.token;
        let transactions = aggregate
            .stale
            .chunks(MAX_TRANSACTION_ITEMS - 1)
            .map(|rows| async move {
                let check = ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(room_pk(token), ROOM_SK)))
                    .condition_expression(VERSION_CONDITION)
                    .expression_attribute_values(":expected", version_value(aggregate.room.version))
                    .build()?;
                let mut items = vec![TransactWriteItem::builder().condition_check(check).build()];
                for stale in rows {
                    items.push(delete(&self.table, room_pk(token), participant_sk(stale))?);
                }
                match self.transaction().set_transact_items(Some(items)).send().await {
                    Ok(_) => Ok(true),
                    Err(error) => changed_meanwhile(error).map(|changed| !changed),
                }
            });
        let removed = futures::future::try_join_all(transactions).await?;
        Ok(removed.into_iter().all(|done| done))
    }

    /// Deletes a room, its participants, its messages and (one-to-one) its pair lock. The room
    /// item goes first, conditional on its version, so from then on the room is gone for every
    /// request; the rest follows. `false` when the room changed since it was read.
    pub async fn delete_room(&self, aggregate: &RoomAggregate) -> Result<bool, StoreError> {
        let room = &aggregate.room;
        let pk = room_pk(&room.token);
        let mut keys: Vec<(String, String)> = Vec::new();
        // The pair lock goes in the first transaction, with the room: a new one-to-one room of
        // the pair may be created as soon as this one is gone.
        if let (RoomType::OneToOne, [a, b]) = (room.room_type, room.pair.as_slice()) {
            keys.push((pair_pk(&a.id, &b.id), PAIR_SK.to_string()));
        }
        keys.extend(
            aggregate
                .participants
                .iter()
                .chain(&aggregate.stale)
                .map(|p| (pk.clone(), participant_sk(p))),
        );
        keys.extend(
            self.message_sks(&room.token)
                .await?
                .into_iter()
                .map(|sk| (pk.clone(), sk)),
        );
        let room_delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk.clone(), ROOM_SK)))
            .condition_expression(VERSION_CONDITION)
            .expression_attribute_values(":expected", version_value(room.version))
            .build()?;
        let mut items = vec![TransactWriteItem::builder().delete(room_delete).build()];
        let (now, later) = keys.split_at(keys.len().min(MAX_TRANSACTION_ITEMS - 1));
        for (pk, sk) in now {
            items.push(delete(&self.table, pk.clone(), sk.clone())?);
        }
        if let Err(error) = self.transaction().set_transact_items(Some(items)).send().await {
            return changed_meanwhile(error).map(|changed| !changed);
        }
        self.delete_keys(later.to_vec()).await?;
        Ok(true)
    }

    /// The sort keys of a room's messages.
    async fn message_sks(&self, token: &RoomToken) -> Result<Vec<String>, StoreError> {
        let items = self.query_partition(room_pk(token), MESSAGE_PREFIX, Some("sk")).await?;
        Ok(items
            .iter()
            .filter_map(|item| string_attr(item, "sk").map(str::to_string))
            .collect())
    }

    /// Sets the name on every message `user` posted in a room (a deleted account's), and on
    /// the room's newest message if it is theirs (with a version bump, so that a change
    /// decided on the old name reads the room again).
    pub async fn rename_message_actor(&self, token: &RoomToken, user: &UserId, name: &str) -> Result<(), StoreError> {
        let items = self.query_partition(room_pk(token), MESSAGE_PREFIX, None).await?;
        let by_user = |item: &super::items::Item| {
            string_attr(item, "actorType") == Some("users") && string_attr(item, "actorId") == Some(user.as_str())
        };
        for sk in items
            .iter()
            .filter(|item| by_user(item))
            .filter_map(|item| string_attr(item, "sk"))
        {
            succeeded(
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key(room_pk(token), sk)))
                    .update_expression("SET actorDisplayName = :name")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_values(":name", AttributeValue::S(name.to_string()))
                    .send()
                    .await,
                CONDITION_FAILED,
            )?;
        }
        succeeded(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(room_pk(token), ROOM_SK)))
                .update_expression("SET lastMessage.actorDisplayName = :name ADD version :one")
                .condition_expression("lastMessage.actorType = :users AND lastMessage.actorId = :user")
                .expression_attribute_values(":name", AttributeValue::S(name.to_string()))
                .expression_attribute_values(":one", version_value(1))
                .expression_attribute_values(":users", AttributeValue::S("users".into()))
                .expression_attribute_values(":user", AttributeValue::S(user.to_string()))
                .send()
                .await,
            CONDITION_FAILED,
        )?;
        Ok(())
    }

    /// Every message of a room, oldest first.
    pub async fn messages(&self, token: &RoomToken) -> Result<Vec<Message>, StoreError> {
        let items = self.query_partition(room_pk(token), MESSAGE_PREFIX, None).await?;
        items.into_iter().map(super::items::from_item).collect()
    }

    /// Deletes items in concurrent batches.
    pub(super) async fn delete_keys(&self, keys: Vec<(String, String)>) -> Result<(), StoreError> {
        let requests = keys
            .into_iter()
            .map(|(pk, sk)| {
                let delete = DeleteRequest::builder().set_key(Some(key(pk, sk))).build()?;
                Ok(WriteRequest::builder().delete_request(delete).build())
            })
            .collect::<Result<_, StoreError>>()?;
        self.batch_write(requests).await
    }

    /// A user's participant row in a room, if any (one GetItem).
    pub async fn user_participant(&self, token: &RoomToken, user: &UserId) -> Result<Option<Participant>, StoreError> {
        let item = self.get(room_pk(token), &user_participant_sk(user.as_str())).await?;
        item.map(super::items::from_item).transpose()
    }

    /// Sets a user's own preferences in a room and their `lastAttendeeActivity` (v4 §6.10):
    /// the row after the change, `None` when the row is gone.
    pub async fn update_preferences(
        &self,
        token: &RoomToken,
        user: &UserId,
        favorite: Option<bool>,
        level: Option<NotificationLevel>,
        now: i64,
    ) -> Result<Option<Participant>, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), user_participant_sk(user.as_str()))))
            .condition_expression("attribute_exists(pk)")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()));
        let mut sets = vec!["lastAttendeeActivity = :now"];
        if let Some(favorite) = favorite {
            sets.push("favorite = :favorite");
            request = request.expression_attribute_values(":favorite", AttributeValue::Bool(favorite));
        }
        if let Some(level) = level {
            sets.push("notificationLevel = :level");
            request = request.expression_attribute_values(":level", AttributeValue::N(level.code().to_string()));
        }
        let output = refused_as_none(
            request
                .update_expression(format!("SET {}", sets.join(", ")))
                .send()
                .await,
            CONDITION_FAILED,
        )?;
        output
            .and_then(|output| output.attributes)
            .map(super::items::from_item)
            .transpose()
    }
}
