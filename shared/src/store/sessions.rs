//! Joining a room and leaving a session (spec §7.5, §7.6): rows of self-joined users and guests,
//! and the session fields of existing rows.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::items::key;
use super::keys::{ROOM_SK, participant_sk, room_pk};
use super::queries::{CONDITION_FAILED, ITEM_CONDITION_FAILED, cancellation_codes, succeeded};
use super::rooms::participant_item;
use super::{Store, StoreError};
use crate::model::{Participant, ParticipantType, RoomToken, RoomType};

/// What happened to a join that adds a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    Joined,
    /// The room is gone or no longer public.
    RoomClosed,
    /// A row with this key exists already (a concurrent join of the same user).
    AlreadyThere,
    /// Another transaction touched the room at the same moment; try again.
    Conflict,
}

impl Store {
    /// Adds the row of a user joining by link or of a guest, in one transaction with a version
    /// bump of the room that requires the room to be public: a join never lands in a room that
    /// was made private meanwhile, and making a room private never misses a guest that joined
    /// meanwhile (its version condition fails and it reads the room again).
    pub async fn join_room(&self, token: &RoomToken, row: &Participant) -> Result<JoinOutcome, StoreError> {
        let room = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), ROOM_SK)))
            .update_expression("ADD version :one")
            .condition_expression("#type = :public")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":public", AttributeValue::N(RoomType::Public.code().to_string()))
            .build()?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(participant_item(token, row)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()?;
        let result = self
            .transaction()
            .transact_items(TransactWriteItem::builder().update(room).build())
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        let Err(error) = result else {
            return Ok(JoinOutcome::Joined);
        };
        Ok(match cancellation_codes(&error).as_deref() {
            Some([ITEM_CONDITION_FAILED, ..]) => JoinOutcome::RoomClosed,
            Some([_, ITEM_CONDITION_FAILED]) => JoinOutcome::AlreadyThere,
            Some(codes) if codes.contains(&"TransactionConflict") => JoinOutcome::Conflict,
            _ => return Err(error.into()),
        })
    }

    /// Stores a new session on an existing row; `false` when the row is gone.
    pub async fn start_session(&self, token: &RoomToken, row: &Participant) -> Result<bool, StoreError> {
        succeeded(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(room_pk(token), participant_sk(row))))
                .update_expression("SET sessionId = :session, lastPing = :ping")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":session", AttributeValue::S(row.session_id.clone()))
                .expression_attribute_values(":ping", AttributeValue::N(row.last_ping.to_string()))
                .send()
                .await,
            CONDITION_FAILED,
        )
    }

    /// Ends a participant's session (spec §7.6): guests and self-joined users lose their row,
    /// invited users keep it with no session and no call flags.
    pub async fn end_session(&self, token: &RoomToken, row: &Participant) -> Result<(), StoreError> {
        let key = key(room_pk(token), participant_sk(row));
        if matches!(
            row.participant_type,
            ParticipantType::Guest | ParticipantType::UserSelfJoined
        ) {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .send()
                .await?;
            return Ok(());
        }
        succeeded(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .update_expression("SET sessionId = :none, inCall = :zero")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":none", AttributeValue::S("0".into()))
                .expression_attribute_values(":zero", AttributeValue::N("0".into()))
                .send()
                .await,
            CONDITION_FAILED,
        )?;
        Ok(())
    }
}
