//! Participants and sessions (spec §7): joining and leaving, adding and removing users,
//! leaving a conversation, promoting and demoting moderators. Changes to the participant list
//! are [`Edit`]s committed like any room change, with their system message.

use crate::store::{JoinOutcome, PASSWORD_WINDOW_SECONDS, Store};

use super::access::Caller;
use super::commit::{Attempt, Edit, with_retries};
use super::error::DomainError;
use super::moderation::{MAX_PERMISSIONS, with_custom_bit};
use super::secrets::{new_guest_secret, new_session_id, room_password_matches, secret_hash};
use super::{
    ActorType, ApiVersion, MessageUser, NO_SESSION, Participant, ParticipantType, RoomAggregate, RoomToken, RoomType,
    SystemEvent, User, UserId, attendee_id, now,
};

/// Most guests and self-joined users with a live session in one room: every request on a
/// room reads all of its rows, so their number is bounded (a join past it is refused until
/// sessions end, [`crate::model::SESSION_SECONDS`] after their last request).
pub const MAX_SESSION_ROWS: usize = 200;

/// spec §7.2: add a user as a plain participant (`user_added`); `None` when already there.
/// Through v4 (v4 §7.2) a self-joined user becomes a plain participant, with `user_added`.
pub fn add(
    aggregate: &RoomAggregate,
    invited: Option<&User>,
    version: ApiVersion,
) -> Result<Option<Edit>, DomainError> {
    refuse_one_to_one(aggregate)?;
    let user = invited.ok_or(DomainError::Unknown("new-participant"))?;
    let mut edit = Edit::of(&aggregate.room).with_event(SystemEvent::UserAdded(MessageUser::for_user(user)));
    match aggregate.user_participant(&user.id) {
        Some(row) if row.participant_type == ParticipantType::UserSelfJoined && version == ApiVersion::V4 => {
            edit.upserted.push(Participant {
                participant_type: ParticipantType::User,
                ..row.clone()
            })
        }
        Some(_) => return Ok(None),
        None => edit.upserted.push(new_member(aggregate, user, ParticipantType::User)),
    }
    Ok(Some(edit))
}

/// v4 §7.2 `source=groups`: invite a group: its attendee (`group_added`) and its members who
/// are not participants yet (`user_added` each). `None` when nothing is new.
pub fn add_group(
    aggregate: &RoomAggregate,
    group: &str,
    members: Option<&[User]>,
) -> Result<Option<Edit>, DomainError> {
    refuse_one_to_one(aggregate)?;
    let members = members.ok_or(DomainError::Unknown("new-participant"))?;
    let mut edit = Edit::of(&aggregate.room);
    let mut events = Vec::new();
    if !aggregate.room.groups.iter().any(|g| g == group) {
        edit.room.groups.push(group.to_string());
        events.push(SystemEvent::GroupAdded(MessageUser::for_group(group)));
    }
    for user in members {
        if aggregate.user_participant(&user.id).is_none() {
            edit.upserted.push(new_member(aggregate, user, ParticipantType::User));
            events.push(SystemEvent::UserAdded(MessageUser::for_user(user)));
        }
    }
    // A change records one message; the first says what happened (the group, else the first
    // user), as Talk's list of messages starts with it.
    edit.event = events.into_iter().next();
    Ok(edit.event.is_some().then_some(edit))
}

/// A new member's row: they have read everything until now (v4 §8.2).
fn new_member(aggregate: &RoomAggregate, user: &User, participant_type: ParticipantType) -> Participant {
    let mut row = Participant::user(user, participant_type);
    row.read_up_to(aggregate.room.last_message_id, aggregate.room.comment_count);
    row
}

fn refuse_one_to_one(aggregate: &RoomAggregate) -> Result<(), DomainError> {
    if aggregate.room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "room-type",
            "Participants cannot be added to or removed from one-to-one conversations",
        ));
    }
    Ok(())
}

/// spec §7.3: the caller leaves the conversation; the last member's leaving deletes it.
pub fn leave(aggregate: &RoomAggregate, me: &Participant) -> Result<Option<Edit>, DomainError> {
    let others: Vec<&Participant> = aggregate.members().filter(|p| !p.is_same_actor(me)).collect();
    let mut edit = Edit::of(&aggregate.room);
    edit.removed.push(me.clone());
    if aggregate.room.room_type == RoomType::OneToOne {
        // The room keeps the pair, so creating it again re-adds whoever left (spec §6.2).
        let nobody_left = aggregate.participants.iter().all(|p| p.is_same_actor(me));
        return Ok(Some(if nobody_left {
            Edit::delete(&aggregate.room)
        } else {
            edit
        }));
    }
    if me.participant_type.is_moderator()
        && !others.is_empty()
        && !others.iter().any(|p| p.participant_type.is_moderator())
    {
        return Err(DomainError::invalid(
            "last-moderator",
            "Promote another participant to moderator before leaving",
        ));
    }
    if others.is_empty() {
        return Ok(Some(Edit::delete(&aggregate.room)));
    }
    edit.event = Some(SystemEvent::UserRemoved(me.as_message_user()));
    Ok(Some(edit))
}

/// spec §7.4: a moderator removes a user; removing yourself is leaving (§7.3).
pub fn remove(aggregate: &RoomAggregate, me: &Participant, target: &str) -> Result<Option<Edit>, DomainError> {
    refuse_one_to_one(aggregate)?;
    let target = UserId::parse(target)
        .ok()
        .and_then(|id| aggregate.user_participant(&id))
        .ok_or(DomainError::NotFound)?;
    remove_row(aggregate, me, target)
}

/// v4 §7.4: a moderator removes an attendee by id: a user (`user_removed`), a guest, or a
/// group attendee (its members stay); removing yourself is leaving (§7.3).
pub fn remove_attendee(
    aggregate: &RoomAggregate,
    me: &Participant,
    attendee: i64,
) -> Result<Option<Edit>, DomainError> {
    let token = &aggregate.room.token;
    if let Some(group) = aggregate
        .room
        .groups
        .iter()
        .find(|group| group_attendee_id(token, group) == attendee)
    {
        refuse_one_to_one(aggregate)?;
        let mut edit = Edit::of(&aggregate.room);
        edit.room.groups.retain(|g| g != group);
        return Ok(Some(edit));
    }
    let target = aggregate
        .participants
        .iter()
        .find(|p| p.attendee_id(token) == attendee)
        .ok_or(DomainError::Unknown("participant"))?;
    refuse_one_to_one(aggregate)?;
    if target.actor_type == ActorType::Guests {
        let mut edit = Edit::of(&aggregate.room);
        edit.removed.push(target.clone());
        return Ok(Some(edit));
    }
    remove_row(aggregate, me, target)
}

/// The attendee id of a group invited to the room (v4 §9).
pub fn group_attendee_id(token: &RoomToken, group: &str) -> i64 {
    attendee_id(token, ActorType::GROUPS, group)
}

fn remove_row(aggregate: &RoomAggregate, me: &Participant, target: &Participant) -> Result<Option<Edit>, DomainError> {
    if target.is_same_actor(me) {
        return leave(aggregate, me);
    }
    if target.participant_type == ParticipantType::Owner {
        return Err(DomainError::Refused("owner"));
    }
    let mut edit = Edit::of(&aggregate.room).with_event(SystemEvent::UserRemoved(target.as_message_user()));
    edit.removed.push(target.clone());
    Ok(Some(edit))
}

/// spec §7.4 (Talk 8: `DELETE /participants/guests`): a moderator removes a guest, named by
/// their session id; no system message, as in Talk.
pub fn remove_guest(aggregate: &RoomAggregate, session: &str) -> Result<Option<Edit>, DomainError> {
    let guest = aggregate
        .participants
        .iter()
        .find(|p| p.participant_type.is_guest() && p.session_id == session && session != NO_SESSION)
        .ok_or(DomainError::NotFound)?;
    let mut edit = Edit::of(&aggregate.room);
    edit.removed.push(guest.clone());
    Ok(Some(edit))
}

/// Whom a moderator change is about: a user, or a guest by their session id (spec §7.7); an
/// attendee by id (v4 §7.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    User(String),
    Session(String),
    Attendee(i64),
}

/// spec §7.7: promote (3→2, 4→6) or demote (2→3, 6→4) a participant.
pub fn set_moderator(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: &Target,
    promote: bool,
) -> Result<Option<Edit>, DomainError> {
    let row = match target {
        Target::User(id) => UserId::parse(id.as_str())
            .ok()
            .and_then(|id| aggregate.user_participant(&id)),
        Target::Session(session) => aggregate
            .participants
            .iter()
            .find(|p| p.participant_type.is_guest() && p.session_id == *session && session != "0"),
        Target::Attendee(id) => {
            let token = &aggregate.room.token;
            if aggregate.room.groups.iter().any(|g| group_attendee_id(token, g) == *id) {
                return Err(DomainError::invalid("type", "Groups cannot be moderators"));
            }
            aggregate.participants.iter().find(|p| p.attendee_id(token) == *id)
        }
    }
    .ok_or(DomainError::NotFound)?;
    if aggregate.room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "room-type",
            "One-to-one conversations have no moderators to change",
        ));
    }
    // Through v4 nobody changes their own type (v4 §7.7); through v1, nobody demotes themselves.
    if (!promote || matches!(target, Target::Attendee(_))) && row.is_same_actor(me) {
        return Err(DomainError::Forbidden);
    }
    let user = row.as_message_user();
    let (new_type, event) = match (row.participant_type, promote) {
        (ParticipantType::User, true) => (ParticipantType::Moderator, SystemEvent::ModeratorPromoted(user)),
        (ParticipantType::Moderator, false) => (ParticipantType::User, SystemEvent::ModeratorDemoted(user)),
        (ParticipantType::Guest, true) => (
            ParticipantType::GuestModerator,
            SystemEvent::GuestModeratorPromoted(user),
        ),
        (ParticipantType::GuestModerator, false) => (ParticipantType::Guest, SystemEvent::GuestModeratorDemoted(user)),
        _ => {
            return Err(DomainError::invalid(
                "participant",
                "This participant cannot be promoted or demoted that way",
            ));
        }
    };
    let mut edit = Edit::of(&aggregate.room).with_event(event);
    edit.upserted.push(Participant {
        participant_type: new_type,
        ..row.clone()
    });
    Ok(Some(edit))
}

/// How `PUT /attendees/permissions` combines the given permissions with the current ones
/// (v4 §7.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionMethod {
    Set,
    Add,
    Remove,
}

impl PermissionMethod {
    /// `set`, `add` or `remove`; else 400 `method`.
    pub fn parse(method: &str) -> Result<Self, DomainError> {
        match method {
            "set" => Ok(Self::Set),
            "add" => Ok(Self::Add),
            "remove" => Ok(Self::Remove),
            _ => Err(DomainError::invalid("method", "method must be set, add or remove")),
        }
    }
}

/// v4 §7.8: an attendee's own permissions. Moderators' cannot change (403 `moderator`); a
/// self-joined user becomes a plain participant. No system message.
pub fn set_permissions(
    aggregate: &RoomAggregate,
    attendee: i64,
    method: PermissionMethod,
    permissions: i64,
) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    let target = aggregate
        .participants
        .iter()
        .find(|p| p.attendee_id(&room.token) == attendee);
    let is_group = room
        .groups
        .iter()
        .any(|g| group_attendee_id(&room.token, g) == attendee);
    if target.is_none() && !is_group {
        return Err(DomainError::Unknown("participant"));
    }
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "room-type",
            "One-to-one conversations have no permissions to change",
        ));
    }
    let Some(target) = target else {
        return Err(DomainError::invalid("type", "Groups have no permissions of their own"));
    };
    if target.participant_type.is_moderator() {
        return Err(DomainError::Refused("moderator"));
    }
    if !(0..=MAX_PERMISSIONS).contains(&permissions) {
        return Err(DomainError::invalid("value", "permissions must be 0 to 255"));
    }
    let current = target.effective_permissions(room);
    let stored = match method {
        PermissionMethod::Set => with_custom_bit(permissions),
        PermissionMethod::Add => with_custom_bit(current | permissions),
        PermissionMethod::Remove => with_custom_bit(current & !permissions),
    };
    let participant_type = match target.participant_type {
        ParticipantType::UserSelfJoined => ParticipantType::User,
        other => other,
    };
    let mut edit = Edit::of(room);
    edit.upserted.push(Participant {
        permissions: stored,
        participant_type,
        last_attendee_activity: now(),
        ..target.clone()
    });
    Ok(Some(edit))
}

/// The caller after joining: the room, their row with its new session, and for a new guest
/// the secret their cookie must carry.
pub struct Joined {
    pub room: RoomAggregate,
    pub me: Participant,
    pub guest_secret: Option<String>,
}

/// spec §7.1: who may read the participant list. Plain guests may not, and the lobby keeps
/// non-moderators out.
pub fn may_list(aggregate: &RoomAggregate, me: &Participant) -> Result<(), DomainError> {
    if me.participant_type == ParticipantType::Guest {
        return Err(DomainError::Forbidden);
    }
    if aggregate.room.lobby_state == 1 && !me.participant_type.is_moderator() {
        return Err(DomainError::LobbyActive);
    }
    Ok(())
}

/// spec §7.6: end the caller's session; nothing to do for a caller without a row.
pub async fn leave_session(
    store: &Store,
    token: &RoomToken,
    caller: &Caller,
    first: Option<RoomAggregate>,
) -> Result<(), DomainError> {
    with_retries(store, token, first, |loaded| async move {
        let Some(me) = loaded.as_ref().and_then(|room| room.participant_of(caller)) else {
            return Ok(Attempt::Done(()));
        };
        Ok(if store.end_session(token, me).await? {
            Attempt::Done(())
        } else {
            Attempt::Again
        })
    })
    .await
}

/// Wrong room passwords one client may give one room in a window of
/// [`PASSWORD_WINDOW_SECONDS`] before its joins are refused without checking the password.
pub const MAX_PASSWORD_FAILURES: i64 = 5;

/// Who is trying a room's password: the client's address and its failures in this window, as
/// read with the room.
#[derive(Debug, Clone, Copy)]
pub struct PasswordAttempt<'a> {
    pub client: &'a str,
    pub failures: i64,
}

/// spec §7.5: start a session. Participants get a new session; anyone else may join a public
/// room (with its password, if it has one) as a self-joined user or a new guest. A client that
/// gave the wrong password [`MAX_PASSWORD_FAILURES`] times in the current window is refused
/// (429) before any password is hashed, and each wrong password is counted.
pub async fn join(
    store: &Store,
    token: &RoomToken,
    caller: &Caller,
    first: Option<RoomAggregate>,
    password: &str,
    attempt: PasswordAttempt<'_>,
) -> Result<Joined, DomainError> {
    with_retries(store, token, first, |loaded| async move {
        let mut room = loaded.ok_or(DomainError::NotFound)?;
        let now = now();
        let password_version = room.room.password_version;
        if let Some(row) = room.participant_of(caller) {
            // A guest or self-joined user who joined before the current password was set
            // enters it again (issue: a guest's old cookie outliving a password change).
            if row.is_session_only() && row.password_version != password_version {
                check_password(store, token, &room, password, attempt, now).await?;
            }
            let me = Participant {
                session_id: new_session_id(),
                last_ping: now,
                password_version,
                ..row.clone()
            };
            if !store.start_session(token, &me, &row.session_id).await? {
                return Ok(Attempt::Again);
            }
            room.participants.retain(|p| !p.is_same_actor(&me));
            room.participants.push(me.clone());
            return Ok(Attempt::Done(Joined {
                room,
                me,
                guest_secret: None,
            }));
        }
        if room.room.room_type != RoomType::Public {
            return Err(DomainError::NotFound);
        }
        check_password(store, token, &room, password, attempt, now).await?;
        let live_sessions = room.participants.iter().filter(|p| p.is_session_only()).count();
        if live_sessions >= MAX_SESSION_ROWS {
            return Err(DomainError::RoomFull);
        }
        let (mut me, guest_secret) = newcomer(caller, now);
        me.password_version = password_version;
        me.read_up_to(room.room.last_message_id, room.room.comment_count);
        if store.join_room(token, &me, &room.stale).await? != JoinOutcome::Joined {
            return Ok(Attempt::Again);
        }
        room.participants.push(me.clone());
        Ok(Attempt::Done(Joined { room, me, guest_secret }))
    })
    .await
}

/// The room's password, if it has one, from a client that has not given too many wrong ones:
/// 429 before any hashing when it has, 403 (counted) for a wrong one.
async fn check_password(
    store: &Store,
    token: &RoomToken,
    room: &RoomAggregate,
    password: &str,
    attempt: PasswordAttempt<'_>,
    now: i64,
) -> Result<(), DomainError> {
    let Some(hash) = &room.room.password_hash else {
        return Ok(());
    };
    if attempt.failures >= MAX_PASSWORD_FAILURES {
        let window_end = (now.div_euclid(PASSWORD_WINDOW_SECONDS) + 1) * PASSWORD_WINDOW_SECONDS;
        return Err(DomainError::Throttled {
            retry_after: window_end - now,
        });
    }
    if !room_password_matches(password, hash) {
        store.record_password_failure(token, attempt.client, now).await?;
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// The row of someone joining a public room: a self-joined user, or a new guest with the
/// secret their cookie will carry.
fn newcomer(caller: &Caller, now: i64) -> (Participant, Option<String>) {
    match caller {
        Caller::User(user) => (
            Participant {
                session_id: new_session_id(),
                last_ping: now,
                ..Participant::user(user, ParticipantType::UserSelfJoined)
            },
            None,
        ),
        Caller::Guest(_) | Caller::Anonymous => {
            let secret = new_guest_secret();
            (
                Participant::guest(secret_hash(&secret), new_session_id(), now),
                Some(secret),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Room;

    fn user(id: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: id.to_uppercase(),
        }
    }

    fn room(room_type: RoomType, members: &[(&str, ParticipantType)]) -> RoomAggregate {
        RoomAggregate::new(
            Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, room_type, "Room"),
            members
                .iter()
                .map(|(id, kind)| Participant::user(&user(id), *kind))
                .collect(),
        )
    }

    #[test]
    fn the_last_moderator_cannot_leave_other_users_behind() {
        let aggregate = room(
            RoomType::Group,
            &[("a", ParticipantType::Owner), ("b", ParticipantType::User)],
        );
        assert!(matches!(
            leave(&aggregate, &aggregate.participants[0]),
            Err(DomainError::Invalid { .. })
        ));
        let plain = leave(&aggregate, &aggregate.participants[1]).unwrap().unwrap();
        assert_eq!(plain.removed.len(), 1);
        assert!(matches!(plain.event, Some(SystemEvent::UserRemoved(_))));
        let with_other_moderator = room(
            RoomType::Group,
            &[
                ("a", ParticipantType::Owner),
                ("b", ParticipantType::Moderator),
                ("c", ParticipantType::User),
            ],
        );
        assert!(leave(&with_other_moderator, &with_other_moderator.participants[0]).is_ok());
    }

    #[test]
    fn the_last_member_leaving_deletes_the_room_and_self_joined_users_do_not_count() {
        let alone = room(
            RoomType::Public,
            &[("a", ParticipantType::Owner), ("x", ParticipantType::UserSelfJoined)],
        );
        assert!(leave(&alone, &alone.participants[0]).unwrap().unwrap().deletes_room);
        let pair = room(
            RoomType::OneToOne,
            &[("a", ParticipantType::Owner), ("b", ParticipantType::Owner)],
        );
        let first = leave(&pair, &pair.participants[0]).unwrap().unwrap();
        assert!(!first.deletes_room && first.event.is_none());
        let half = room(RoomType::OneToOne, &[("b", ParticipantType::Owner)]);
        assert!(leave(&half, &half.participants[0]).unwrap().unwrap().deletes_room);
    }

    #[test]
    fn moderator_changes_follow_the_allowed_transitions() {
        let aggregate = room(
            RoomType::Group,
            &[
                ("a", ParticipantType::Owner),
                ("b", ParticipantType::User),
                ("m", ParticipantType::Moderator),
            ],
        );
        let me = &aggregate.participants[0];
        let promoted = set_moderator(&aggregate, me, &Target::User("b".into()), true)
            .unwrap()
            .unwrap();
        assert_eq!(promoted.upserted[0].participant_type, ParticipantType::Moderator);
        assert!(matches!(
            set_moderator(&aggregate, me, &Target::User("b".into()), false),
            Err(DomainError::Invalid { .. })
        ));
        assert!(matches!(
            set_moderator(&aggregate, me, &Target::User("a".into()), true),
            Err(DomainError::Invalid { .. })
        ));
        assert_eq!(
            set_moderator(&aggregate, me, &Target::User("a".into()), false),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            set_moderator(&aggregate, me, &Target::User("zz".into()), true),
            Err(DomainError::NotFound)
        );
        let demoted = set_moderator(&aggregate, me, &Target::User("m".into()), false)
            .unwrap()
            .unwrap();
        assert_eq!(demoted.upserted[0].participant_type, ParticipantType::User);
    }

    #[test]
    fn owners_cannot_be_removed_and_one_to_one_has_no_removals() {
        let aggregate = room(
            RoomType::Group,
            &[
                ("a", ParticipantType::Owner),
                ("m", ParticipantType::Moderator),
                ("b", ParticipantType::User),
            ],
        );
        let moderator = &aggregate.participants[1];
        assert_eq!(remove(&aggregate, moderator, "a"), Err(DomainError::Refused("owner")));
        assert_eq!(remove(&aggregate, moderator, "nobody"), Err(DomainError::NotFound));
        assert_eq!(
            remove(&aggregate, moderator, "b").unwrap().unwrap().removed[0].actor_id,
            "b"
        );
        let pair = room(
            RoomType::OneToOne,
            &[("a", ParticipantType::Owner), ("b", ParticipantType::Owner)],
        );
        assert!(matches!(
            remove(&pair, &pair.participants[0], "b"),
            Err(DomainError::Invalid { .. })
        ));
    }
}
