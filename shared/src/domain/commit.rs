//! The one commit path for changes to an existing room: read, authorise (404 → 403), check the
//! parsed command (400), decide, then commit the change with its system message in one
//! transaction conditional on the room's version; on a conflict, read the room again and
//! decide again (spec §4's order of checks, expressed once).

use std::future::Future;

use crate::store::{RoomEdit, Store};

use super::access::{Caller, Need, authorize};
use super::error::DomainError;
use super::{Participant, Room, RoomAggregate, RoomToken, SystemEvent, now};

/// Attempts at committing before giving up: each failed attempt means another change to the
/// room committed in between.
pub const MAX_ATTEMPTS: usize = 20;

/// A decided change: the room's new state, the message recording it, participant rows to
/// write or remove; or the deletion of the whole room.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub room: Room,
    pub event: Option<SystemEvent>,
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
) -> Result<Option<RoomAggregate>, DomainError> {
    let (command, decide) = (&command, &decide);
    with_retries(store, token, first, |loaded| async move {
        let (aggregate, me) = authorize(loaded.as_ref(), caller, need)?;
        let command = command.as_ref().map_err(Clone::clone)?;
        let Some(edit) = decide(aggregate, me, command)? else {
            return Ok(Attempt::Done(Some(aggregate.clone())));
        };
        if edit.deletes_room {
            return Ok(if store.delete_room(aggregate).await? {
                Attempt::Done(None)
            } else {
                Attempt::Again
            });
        }
        Ok(match commit(store, aggregate, me, edit).await? {
            Some(after) => Attempt::Done(Some(after)),
            None => Attempt::Again,
        })
    })
    .await
}

/// Commits `edit` with its message (posted by `me`, numbered after the room's newest) under the
/// version `aggregate` was read at: the room after it, or `None` when the room changed since.
async fn commit(
    store: &Store,
    aggregate: &RoomAggregate,
    me: &Participant,
    edit: Edit,
) -> Result<Option<RoomAggregate>, DomainError> {
    let mut room = edit.room;
    let message = edit.event.map(|event| {
        let message = event.by_participant(me, aggregate.room.last_message_id + 1, now());
        room.record(&message);
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
            releases_pair: edit.releases_pair,
        })
        .await?;
    if !committed {
        return Ok(None);
    }
    let same = |a: &Participant, b: &Participant| a.actor_type == b.actor_type && a.actor_id == b.actor_id;
    let mut participants: Vec<Participant> = aggregate
        .participants
        .iter()
        .filter(|p| !edit.removed.iter().chain(&edit.upserted).any(|gone| same(p, gone)))
        .cloned()
        .collect();
    participants.extend(edit.upserted);
    Ok(Some(RoomAggregate::new(room, participants)))
}
