//! Joining a room and leaving a session (spec §7.5, §7.6): rows of self-joined users and guests,
//! and the session fields of existing rows.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

use super::items::{key, number};
use super::keys::{ROOM_SK, participant_sk, room_pk, throttle_pk, throttle_sk};
use super::queries::{CONDITION_FAILED, ITEM_CONDITION_FAILED, cancellation_codes, succeeded};
use super::rooms::participant_item;
use super::{Store, StoreError};
use crate::model::{NO_SESSION, Participant, RoomToken, RoomType, SESSION_SECONDS};

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

/// Most stale rows a join removes in its transaction.
const STALE_ROWS_PER_JOIN: usize = 25;

impl Store {
    /// Adds the row of a user joining by link or of a guest, in one transaction with a version
    /// bump of the room that requires the room to be public: a join never lands in a room that
    /// was made private meanwhile, and making a room private never misses a guest that joined
    /// meanwhile (its version condition fails and it reads the room again). The joiner's own
    /// row may exist only if its session ended; up to [`STALE_ROWS_PER_JOIN`] rows of other
    /// ended sessions go in the same transaction (each if still ended).
    pub async fn join_room(
        &self,
        token: &RoomToken,
        row: &Participant,
        stale: &[Participant],
    ) -> Result<JoinOutcome, StoreError> {
        let cutoff = number(row.last_ping - SESSION_SECONDS);
        let room = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), ROOM_SK)))
            .update_expression("ADD version :one")
            .condition_expression("#type = :public")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":public", number(RoomType::Public.code()))
            .build()?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(participant_item(token, row)?))
            .condition_expression("attribute_not_exists(pk) OR lastPing < :cutoff")
            .expression_attribute_values(":cutoff", cutoff.clone())
            .build()?;
        let mut request = self
            .transaction()
            .transact_items(TransactWriteItem::builder().update(room).build())
            .transact_items(TransactWriteItem::builder().put(put).build());
        let own = participant_sk(row);
        for ended in stale
            .iter()
            .filter(|p| p.is_session_only() && participant_sk(p) != own)
            .take(STALE_ROWS_PER_JOIN)
        {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(room_pk(token), participant_sk(ended))))
                .condition_expression("attribute_not_exists(pk) OR lastPing < :cutoff")
                .expression_attribute_values(":cutoff", cutoff.clone())
                .build()?;
            request = request.transact_items(TransactWriteItem::builder().delete(delete).build());
        }
        let Err(error) = request.send().await else {
            return Ok(JoinOutcome::Joined);
        };
        Ok(match cancellation_codes(&error).as_deref() {
            Some([ITEM_CONDITION_FAILED, ..]) => JoinOutcome::RoomClosed,
            Some([_, ITEM_CONDITION_FAILED, ..]) => JoinOutcome::AlreadyThere,
            Some(codes) if codes.contains(&ITEM_CONDITION_FAILED) || codes.contains(&"TransactionConflict") => {
                JoinOutcome::Conflict
            }
            _ => return Err(error.into()),
        })
    }

    /// Stores a new session on an existing row, if the row still has the session it was read
    /// with; `false` when it is gone or changed.
    pub async fn start_session(
        &self,
        token: &RoomToken,
        row: &Participant,
        previous_session: &str,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), participant_sk(row))))
            .condition_expression("attribute_exists(pk) AND sessionId = :previous")
            .expression_attribute_values(":previous", AttributeValue::S(previous_session.to_string()))
            .expression_attribute_values(":session", AttributeValue::S(row.session_id.clone()))
            .expression_attribute_values(":ping", number(row.last_ping))
            .expression_attribute_values(":password", number(row.password_version));
        update = if row.is_session_only() {
            update
                .update_expression(
                    "SET sessionId = :session, lastPing = :ping, passwordVersion = :password, expiresAt = :expires",
                )
                .expression_attribute_values(":expires", number(row.last_ping + SESSION_SECONDS))
        } else {
            update.update_expression("SET sessionId = :session, lastPing = :ping, passwordVersion = :password")
        };
        succeeded(update.send().await, CONDITION_FAILED)
    }

    /// Records that a request carried `row`'s session at `now` (v4 spec §13.5), unless the
    /// session ended or changed meanwhile; `false` then.
    pub async fn refresh_session(&self, token: &RoomToken, row: &Participant, now: i64) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(room_pk(token), participant_sk(row))))
            .condition_expression("sessionId = :session AND lastPing >= :cutoff")
            .expression_attribute_values(":session", AttributeValue::S(row.session_id.clone()))
            .expression_attribute_values(":cutoff", number(now - SESSION_SECONDS))
            .expression_attribute_values(":ping", number(now));
        update = if row.is_session_only() {
            update
                .update_expression("SET lastPing = :ping, expiresAt = :expires")
                .expression_attribute_values(":expires", number(now + SESSION_SECONDS))
        } else {
            update.update_expression("SET lastPing = :ping")
        };
        succeeded(update.send().await, CONDITION_FAILED)
    }

    /// Ends a participant's session (spec §7.6): guests and self-joined users lose their row,
    /// invited users keep it with no session and no call flags. `false` when the row changed
    /// meanwhile (another type or session) or is gone.
    pub async fn end_session(&self, token: &RoomToken, row: &Participant) -> Result<bool, StoreError> {
        let key = key(room_pk(token), participant_sk(row));
        let unchanged = "participantType = :type AND sessionId = :session";
        let kind = number(row.participant_type.code());
        let session = AttributeValue::S(row.session_id.clone());
        if row.is_session_only() {
            return succeeded(
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .condition_expression(unchanged)
                    .expression_attribute_values(":type", kind)
                    .expression_attribute_values(":session", session)
                    .send()
                    .await,
                CONDITION_FAILED,
            );
        }
        succeeded(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .update_expression("SET sessionId = :none, inCall = :zero")
                .condition_expression(unchanged)
                .expression_attribute_values(":type", kind)
                .expression_attribute_values(":session", session)
                .expression_attribute_values(":none", AttributeValue::S(NO_SESSION.into()))
                .expression_attribute_values(":zero", number(0))
                .send()
                .await,
            CONDITION_FAILED,
        )
    }
}

/// Failed room password attempts are counted per room, client and window of this many seconds.
pub const PASSWORD_WINDOW_SECONDS: i64 = 300;

fn password_failures_key(token: &RoomToken, client: &str, now: i64) -> super::items::Item {
    let window = now.div_euclid(PASSWORD_WINDOW_SECONDS);
    key(throttle_pk(token), throttle_sk(client, window))
}

impl Store {
    /// Failed password attempts for a room from `client` in the window of `now`.
    pub async fn password_failures(&self, token: &RoomToken, client: &str, now: i64) -> Result<i64, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(password_failures_key(token, client, now)))
            .send()
            .await?;
        Ok(output
            .item
            .and_then(|item| {
                item.get("failures")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0))
    }

    /// Counts a failed password attempt; the counter expires with its window (time to live).
    pub async fn record_password_failure(&self, token: &RoomToken, client: &str, now: i64) -> Result<(), StoreError> {
        let window_end = (now.div_euclid(PASSWORD_WINDOW_SECONDS) + 1) * PASSWORD_WINDOW_SECONDS;
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(password_failures_key(token, client, now)))
            .update_expression("ADD failures :one SET expiresAt = :expires")
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":expires", number(window_end))
            .send()
            .await?;
        Ok(())
    }
}
