//! The one commit path for changes to an existing room: read, authorise (404 → 403), check the
//! parsed command (400), decide, then commit the change with its system message in one
//! transaction conditional on the room's version; on a conflict, read the room again and
//! decide again (spec §4's order of checks, expressed once).

use std::future::Future;

use crate::store::{RoomEdit, Store};

use super::access::{Caller, Need, authorize};
use super::error::DomainError;
use super::{Content, Message, Participant, Room, RoomAggregate, RoomToken, SystemEvent, now};

/// Attempts at committing before giving up: each failed attempt means another change to the
/// room committed in between.
pub const MAX_ATTEMPTS: usize = 20;

/// A decided change: the room's new state, the message recording it, participant rows to
/// write or remove; or the deletion of the whole room.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub room: Room,
    pub event: Option<SystemEvent>,
    /// A chat message or reaction row to post instead of a system message (chat §4.2, §12.4).
    pub post: Option<Posted>,
    /// Existing messages written back changed (edited, deleted, reacted to).
    pub rewritten: Vec<Message>,
    pub upserted: Vec<Participant>,
    pub removed: Vec<Participant>,
    pub deletes_room: bool,
    /// Whether the one-to-one pair's lock goes (an account of the pair was deleted).
    pub releases_pair: bool,
}

impl Edit {
    /// The room as it is, to which changes, participant rows and an event are added.
    pub fn of(room: &Room) -> Self {
        Self {
            room: room.clone(),
            event: None,
            post: None,
            rewritten: Vec::new(),
            upserted: Vec::new(),
            removed: Vec::new(),
            deletes_room: false,
            releases_pair: false,
        }
    }

    /// Deleting the room with everything in it.
    pub fn delete(room: &Room) -> Self {
        Self {
            deletes_room: true,
            ..Self::of(room)
        }
    }

    /// The room changed by `change`, recorded by `event`.
    pub fn change(room: &Room, change: impl FnOnce(&mut Room), event: SystemEvent) -> Self {
        let mut edit = Self::of(room);
        change(&mut edit.room);
        edit.event = Some(event);
        edit
    }

    /// This edit recorded by `event`.
    pub fn with_event(mut self, event: SystemEvent) -> Self {
        self.event = Some(event);
        self
    }
}

/// A message to post that is not a system message: its content and parent.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub content: Content,
    pub parent: Option<i64>,
}

/// What one attempt at a change came to.
pub enum Attempt<T> {
    Done(T),
    /// The room changed meanwhile: read it again and try again.
    Again,
}

/// Runs `attempt` on the room (`first` as read concurrently with authentication, then fresh
/// reads) until it is done, at most [`MAX_ATTEMPTS`] times.
pub async fn with_retries<T, F, Fut>(
    store: &Store,
    token: &RoomToken,
    first: Option<RoomAggregate>,
    mut attempt: F,
) -> Result<T, DomainError>
where
    F: FnMut(Option<RoomAggregate>) -> Fut,
    Fut: Future<Output = Result<Attempt<T>, DomainError>>,
{
    let mut loaded = first;
    for _ in 0..MAX_ATTEMPTS {
        match attempt(loaded.take()).await? {
            Attempt::Done(value) => return Ok(value),
            Attempt::Again => loaded = store.load_room(token).await?,
        }
    }
    Err(DomainError::Busy(MAX_ATTEMPTS))
}

/// A change to a room by a participant: authorises the caller with `need` (404, 403), then
/// fails with the command's own error if its parameters did not parse (400), then lets
/// `decide` turn the room and the command into an edit (`None`: nothing to change) and commits
/// it with its message under the room's version. Returns the room as it is after the change
/// (`None` when the change deleted it).
pub async fn change_room<C>(
    store: &Store,
    token: &RoomToken,
    caller: &Caller,
    first: Option<RoomAggregate>,
    need: Need,
    command: Result<C, DomainError>,
    decide: impl Fn(&RoomAggregate, &Participant, &C) -> Result<Option<Edit>, DomainError>,
) -> Result<Committed, DomainError> {
    let (command, decide) = (&command, &decide);
    with_retries(store, token, first, |loaded| async move {
        let (aggregate, me) = authorize(loaded.as_ref(), caller, need)?;
        let command = command.as_ref().map_err(Clone::clone)?;
        let edit = decide(aggregate, me, command)?;
        apply(store, aggregate, me, edit).await
    })
    .await
}

/// [`change_room`] for a change about one message of the room (chat §4.3, §4.4, §12): the
/// message read with the room decides the first attempt; after a conflict the message is read
/// again with the room, so a decision never lands on a message that changed meanwhile (its
/// rewrite is conditional on the state it was decided on).
#[allow(clippy::too_many_arguments)]
pub async fn change_message<C>(
    store: &Store,
    token: &RoomToken,
    caller: &Caller,
    first: Option<RoomAggregate>,
    first_message: Option<Message>,
    need: Need,
    command: Result<C, DomainError>,
    decide: impl Fn(&RoomAggregate, &Participant, &C, Option<&Message>) -> Result<Option<Edit>, DomainError>,
) -> Result<Committed, DomainError> {
    let id = first_message.as_ref().map(|m| m.id);
    let (command, decide) = (&command, &decide);
    let mut known = Some(first_message);
    with_retries(store, token, first, |loaded| {
        let read = known.take();
        async move {
            let message = match (read, id) {
                (Some(message), _) => message,
                (None, Some(id)) => store.message(token, id).await?,
                (None, None) => None,
            };
            let (aggregate, me) = authorize(loaded.as_ref(), caller, need)?;
            let command = command.as_ref().map_err(Clone::clone)?;
            let edit = decide(aggregate, me, command, message.as_ref())?;
            apply(store, aggregate, me, edit).await
        }
    })
    .await
}

/// Commits a decision (nothing, a deletion of the room, or an edit): done, or again when the
/// room or a row changed meanwhile.
async fn apply(
    store: &Store,
    aggregate: &RoomAggregate,
    me: &Participant,
    edit: Option<Edit>,
) -> Result<Attempt<Committed>, DomainError> {
    let Some(edit) = edit else {
        return Ok(Attempt::Done(Committed {
            room: Some(aggregate.clone()),
            posted: None,
            rewritten: Vec::new(),
        }));
    };
    if edit.deletes_room {
        return Ok(if store.delete_room(aggregate).await? {
            Attempt::Done(Committed {
                room: None,
                posted: None,
                rewritten: Vec::new(),
            })
        } else {
            Attempt::Again
        });
    }
    Ok(match commit(store, aggregate, me, edit).await? {
        Some(committed) => Attempt::Done(committed),
        None => Attempt::Again,
    })
}

/// What a committed change left: the room after it (`None` when deleted) and the message it
/// posted, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    pub room: Option<RoomAggregate>,
    pub posted: Option<Message>,
    /// Existing messages the change rewrote, as written.
    pub rewritten: Vec<Message>,
}

/// Commits `edit` with its message (posted by `me`, numbered after the room's newest) under the
/// version `aggregate` was read at: the room after it, or `None` when the room changed since.
async fn commit(
    store: &Store,
    aggregate: &RoomAggregate,
    me: &Participant,
    edit: Edit,
) -> Result<Option<Committed>, DomainError> {
    let mut room = edit.room;
    let id = aggregate.room.next_message_id();
    // The author as this change leaves them (a guest's new name, chat §4.2 step 3).
    let me = edit.upserted.iter().find(|p| p.is_same_actor(me)).unwrap_or(me);
    let message = match (edit.event, edit.post) {
        (Some(event), _) => Some(event.by_participant(me, id, now())),
        (None, Some(Posted { content, parent })) => Some(Message {
            content,
            parent,
            ..SystemEvent::ConversationCreated.by_participant(me, id, now())
        }),
        (None, None) => None,
    };
    let message = message.map(|mut message| {
        room.post(&mut message);
        message
    });
    room.version = aggregate.room.version + 1;
    let committed = store
        .commit_edit(RoomEdit {
            previous: aggregate,
            room: &room,
            message: message.as_ref(),
            upserted: &edit.upserted,
            removed: &edit.removed,
            rewritten: &edit.rewritten,
            releases_pair: edit.releases_pair,
        })
        .await?;
    if !committed {
        return Ok(None);
    }
    let mut participants: Vec<Participant> = aggregate
        .participants
        .iter()
        .filter(|p| {
            !edit
                .removed
                .iter()
                .chain(&edit.upserted)
                .any(|gone| p.is_same_actor(gone))
        })
        .cloned()
        .collect();
    participants.extend(edit.upserted);
    Ok(Some(Committed {
        room: Some(RoomAggregate::new(room, participants)),
        posted: message,
        rewritten: edit.rewritten,
    }))
}
