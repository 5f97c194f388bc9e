//! Rooms, their participant rows and messages in the table.

use aws_sdk_dynamodb::types::{Put, PutRequest, ReturnValue, TransactWriteItem, WriteRequest};
use futures::{StreamExt, TryStreamExt};

use super::items::{Item, from_item, key, number, s, string_attr, to_item, with_gsi1};
use super::keys::{
    COUNTER_SK, EXPIRES_AT, PAIR_SK, ROOM_PREFIX, ROOM_SK, counter_pk, message_sk, pair_pk, participant_sk, room_pk,
    token_from_gsi1sk, user_pk,
};
use super::queries::{ITEM_CONDITION_FAILED, cancellation_codes};
use super::{Store, StoreError};
use crate::model::{
    ActorType, Message, Participant, Room, RoomAggregate, RoomToken, RoomType, SESSION_SECONDS, UserId, now,
};

/// Most items DynamoDB accepts in one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;
/// Room loads kept in flight at once when listing many rooms.
const CONCURRENT_ROOM_LOADS: usize = 32;

/// What happened to a room creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// The random token was taken; try another.
    TokenTaken,
    /// A one-to-one room for this pair exists already (concurrent creation): its token.
    PairExists(RoomToken),
}

/// A participant row; user rows are indexed under their user for the room list, and rows that
/// exist only for a session expire with it (DynamoDB's time to live).
pub(super) fn participant_item(token: &RoomToken, participant: &Participant) -> Result<Item, StoreError> {
    let mut item = to_item(participant, room_pk(token), participant_sk(participant))?;
    if participant.is_session_only() {
        item.insert(EXPIRES_AT.into(), number(participant.last_ping + SESSION_SECONDS));
    }
    Ok(match participant.actor_type {
        ActorType::Users => with_gsi1(item, format!("USER#{}", participant.actor_id), room_pk(token)),
        ActorType::Guests => item,
    })
}

/// The rows a new room starts with besides its room item: its participants and messages.
fn new_room_rows(aggregate: &RoomAggregate, messages: &[Message]) -> Result<Vec<Item>, StoreError> {
    let token = &aggregate.room.token;
    let participants = aggregate.participants.iter().map(|p| participant_item(token, p));
    let messages = messages.iter().map(|m| to_item(m, room_pk(token), message_sk(m.id)));
    participants.chain(messages).collect()
}

fn put(table: &str, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .set_condition_expression(condition.map(str::to_string))
        .build()?;
    Ok(TransactWriteItem::builder().put(put).build())
}

impl Store {
    /// A room with all its participant rows (one strongly consistent Query), or `None`.
    pub async fn load_room(&self, token: &RoomToken) -> Result<Option<RoomAggregate>, StoreError> {
        let items = self.query_partition(room_pk(token), ROOM_SK, None).await?;
        let mut room = None;
        let mut participants = Vec::new();
        for item in items {
            if string_attr(&item, "sk") == Some(ROOM_SK) {
                room = Some(from_item::<Room>(item)?);
            } else {
                participants.push(from_item::<Participant>(item)?);
            }
        }
        Ok(room.map(|room| RoomAggregate::from_rows(room, participants, now())))
    }

    /// A room's own item, without its participants (one GetItem).
    pub async fn room_item(&self, token: &RoomToken) -> Result<Option<Room>, StoreError> {
        self.get(room_pk(token), ROOM_SK).await?.map(from_item).transpose()
    }

    /// Several rooms, loaded concurrently; rooms that vanished meanwhile are left out.
    pub async fn load_rooms(&self, tokens: Vec<RoomToken>) -> Result<Vec<RoomAggregate>, StoreError> {
        let loaded: Vec<Option<RoomAggregate>> = futures::stream::iter(tokens)
            .map(|token| async move { self.load_room(&token).await })
            .buffer_unordered(CONCURRENT_ROOM_LOADS)
            .try_collect()
            .await?;
        Ok(loaded.into_iter().flatten().collect())
    }

    /// The tokens of every room in which the user has a participant row (GSI1; one Query).
    pub async fn user_room_tokens(&self, user: &UserId) -> Result<Vec<RoomToken>, StoreError> {
        let items = self.query_index(user_pk(user), ROOM_PREFIX).await?;
        Ok(items
            .iter()
            .filter_map(|item| token_from_gsi1sk(string_attr(item, "gsi1sk")?))
            .collect())
    }

    /// Every room in which the user has a participant row, each with only that row (v4 §6.1):
    /// the rows come from the index (one Query; it projects whole rows), the room items from
    /// `BatchGetItem` (100 keys a call, concurrently). Rows whose room vanished meanwhile, and
    /// rows that no longer count (an ended session of a self-joined user), are left out.
    pub async fn user_rooms(&self, user: &UserId) -> Result<Vec<RoomAggregate>, StoreError> {
        let rows = self.query_index(user_pk(user), ROOM_PREFIX).await?;
        let mut participants = std::collections::HashMap::new();
        for item in rows {
            if let Some(token) = string_attr(&item, "gsi1sk").and_then(token_from_gsi1sk) {
                participants.insert(token, from_item::<Participant>(item)?);
            }
        }
        let keys = participants.keys().map(|token| key(room_pk(token), ROOM_SK)).collect();
        let rooms = self.batch_get(keys).await?;
        let now = now();
        let mut aggregates = Vec::with_capacity(rooms.len());
        for item in rooms {
            let room = from_item::<Room>(item)?;
            if let Some(row) = participants.remove(&room.token) {
                let aggregate = RoomAggregate::from_rows(room, vec![row], now);
                if aggregate.user_participant(user).is_some() {
                    aggregates.push(aggregate);
                }
            }
        }
        Ok(aggregates)
    }

    /// The token of the one-to-one room of two users, if there is one.
    pub async fn pair_room(&self, a: &UserId, b: &UserId) -> Result<Option<RoomToken>, StoreError> {
        let item = self.get(pair_pk(a, b), PAIR_SK).await?;
        Ok(item
            .as_ref()
            .and_then(|item| string_attr(item, "token"))
            .and_then(|t| RoomToken::parse(t).ok()))
    }

    /// The next value of a named counter (atomic ADD).
    pub async fn next_id(&self, counter: &str) -> Result<i64, StoreError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(counter_pk(counter), COUNTER_SK)))
            .update_expression("ADD #value :one")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":one", aws_sdk_dynamodb::types::AttributeValue::N("1".into()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await?;
        output
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.get("value")?.as_n().ok()?.parse().ok())
            .ok_or_else(|| StoreError::Malformed("counter without a numeric value".into()))
    }

    /// Writes a new room with its participants and messages. The room, the pair lock of a
    /// one-to-one room and the first rows go in one transaction, conditional on the token and
    /// the pair being free; rows beyond one transaction's size follow in further transactions
    /// (concurrently), once the room exists.
    pub async fn create_room(
        &self,
        aggregate: &RoomAggregate,
        messages: &[Message],
    ) -> Result<CreateOutcome, StoreError> {
        let room = &aggregate.room;
        let mut items = Vec::new();
        let pair = match (room.room_type, room.pair.as_slice()) {
            (RoomType::OneToOne, [a, b]) => Some((a.id.clone(), b.id.clone())),
            _ => None,
        };
        if let Some((a, b)) = &pair {
            let mut lock = key(pair_pk(a, b), PAIR_SK);
            lock.insert("token".into(), s(room.token.as_str()));
            items.push(put(&self.table, lock, Some("attribute_not_exists(pk)"))?);
        }
        items.push(put(
            &self.table,
            to_item(room, room_pk(&room.token), ROOM_SK)?,
            Some("attribute_not_exists(pk)"),
        )?);
        for row in new_room_rows(aggregate, messages)? {
            items.push(put(&self.table, row, None)?);
        }
        let rest = items.split_off(items.len().min(MAX_TRANSACTION_ITEMS));
        let result = self.transaction().set_transact_items(Some(items)).send().await;
        if let Err(error) = result {
            let Some(reasons) = cancellation_codes(&error) else {
                return Err(error.into());
            };
            let failed = |index: usize| reasons.get(index) == Some(&ITEM_CONDITION_FAILED);
            if let Some((a, b)) = &pair
                && failed(0)
            {
                return match self.pair_room(a, b).await? {
                    Some(token) => Ok(CreateOutcome::PairExists(token)),
                    None => Err(StoreError::Backend("one-to-one lock vanished during creation".into())),
                };
            }
            if failed(usize::from(pair.is_some())) {
                return Ok(CreateOutcome::TokenTaken);
            }
            return Err(StoreError::Backend(format!("room creation cancelled: {reasons:?}")));
        }
        let chunks: Vec<Vec<TransactWriteItem>> = rest.chunks(MAX_TRANSACTION_ITEMS).map(<[_]>::to_vec).collect();
        futures::future::try_join_all(
            chunks
                .into_iter()
                .map(|chunk| self.transaction().set_transact_items(Some(chunk)).send()),
        )
        .await?;
        Ok(CreateOutcome::Created)
    }

    /// Writes a new room's items (room, participants, messages) unconditionally in concurrent
    /// batch writes: bulk loading for benchmarks, into a table nobody else is writing. Not for
    /// one-to-one rooms (their pair lock needs [`Store::create_room`]).
    pub async fn import_room(&self, aggregate: &RoomAggregate, messages: &[Message]) -> Result<(), StoreError> {
        let room = &aggregate.room;
        let mut items = vec![to_item(room, room_pk(&room.token), ROOM_SK)?];
        items.extend(new_room_rows(aggregate, messages)?);
        let requests = items
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item)).build()?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<_, StoreError>>()?;
        self.batch_write(requests).await
    }

    /// Adds a participant row unless the room already has one for that actor; `true` if added.
    pub async fn add_participant_if_absent(
        &self,
        token: &RoomToken,
        participant: &Participant,
    ) -> Result<bool, StoreError> {
        self.put_new(participant_item(token, participant)?).await
    }
}
