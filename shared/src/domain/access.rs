//! Who is calling and what they may see and do (spec §4 steps 4–5): the one place that decides
//! 404 (may not see the room) and 403 (may see it, may not act).

use super::error::DomainError;
use super::{Participant, ParticipantType, RoomAggregate, RoomType, User};

/// Who is calling, once credentials are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    User(User),
    /// No (valid) user credentials, with the session cookie of the room: the hash of its
    /// secret. A guest participant if a row has that key.
    Guest(String),
    /// No (valid) user credentials and no session cookie (spec §2.2).
    Anonymous,
}

impl Caller {
    /// The kind of caller, for the request log.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Guest(_) => "guest",
            Self::Anonymous => "anonymous",
        }
    }
}

/// What a caller must be in a room to act (spec §4 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any participant row.
    Participant,
    /// Owner, moderator or guest moderator.
    Moderator,
    /// Owner or moderator (a user).
    UserModerator,
}

impl Need {
    fn allows(self, participant_type: ParticipantType) -> bool {
        match self {
            Self::Participant => true,
            Self::Moderator => participant_type.is_moderator(),
            Self::UserModerator => matches!(participant_type, ParticipantType::Owner | ParticipantType::Moderator),
        }
    }
}

impl RoomAggregate {
    /// The caller's own row, if the caller is a participant.
    pub fn participant_of(&self, caller: &Caller) -> Option<&Participant> {
        match caller {
            Caller::User(user) => self.user_participant(&user.id),
            Caller::Guest(key) => self
                .participants
                .iter()
                .find(|p| p.guest_key.as_deref() == Some(key.as_str())),
            Caller::Anonymous => None,
        }
    }
}

/// What the caller may see of a room (spec §6.3): the room with their own row, or with `None`
/// for the outside view of a public room (spec §8.3); 404 when the room is hidden from them.
pub fn view<'a>(
    room: Option<&'a RoomAggregate>,
    caller: &Caller,
) -> Result<(&'a RoomAggregate, Option<&'a Participant>), DomainError> {
    let room = room.ok_or(DomainError::NotFound)?;
    let me = room.participant_of(caller);
    if me.is_none() && room.room.room_type != RoomType::Public {
        return Err(DomainError::NotFound);
    }
    Ok((room, me))
}

/// Steps 4–5 of spec §4: the caller's row (else 404, as for anyone who may not see the room),
/// with the permission `need` (else 403).
pub fn authorize<'a>(
    room: Option<&'a RoomAggregate>,
    caller: &Caller,
    need: Need,
) -> Result<(&'a RoomAggregate, &'a Participant), DomainError> {
    let (room, me) = view(room, caller)?;
    let me = me.ok_or(DomainError::NotFound)?;
    if need.allows(me.participant_type) {
        Ok((room, me))
    } else {
        Err(DomainError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Room, RoomToken, UserId};

    fn user(id: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: id.into(),
        }
    }

    fn room(room_type: RoomType) -> RoomAggregate {
        RoomAggregate::new(
            Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, room_type, "Team"),
            vec![
                Participant::user(&user("alice"), ParticipantType::Owner),
                Participant::user(&user("bob"), ParticipantType::User),
            ],
        )
    }

    #[test]
    fn strangers_get_404_before_plain_users_get_403() {
        let room = room(RoomType::Group);
        let carol = Caller::User(user("carol"));
        let bob = Caller::User(user("bob"));
        assert_eq!(
            authorize(Some(&room), &carol, Need::Participant).unwrap_err(),
            DomainError::NotFound
        );
        assert_eq!(
            authorize(Some(&room), &Caller::Anonymous, Need::Participant).unwrap_err(),
            DomainError::NotFound
        );
        assert_eq!(
            authorize(Some(&room), &bob, Need::Moderator).unwrap_err(),
            DomainError::Forbidden
        );
        assert!(authorize(Some(&room), &bob, Need::Participant).is_ok());
        let alice = Caller::User(user("alice"));
        assert!(authorize(Some(&room), &alice, Need::UserModerator).is_ok());
        assert_eq!(
            authorize(None, &alice, Need::Participant).unwrap_err(),
            DomainError::NotFound
        );
    }

    #[test]
    fn outsiders_see_public_rooms_only_and_act_in_none() {
        let carol = Caller::User(user("carol"));
        let public = room(RoomType::Public);
        assert_eq!(view(Some(&public), &carol).unwrap().1, None);
        assert_eq!(
            authorize(Some(&public), &carol, Need::Participant).unwrap_err(),
            DomainError::NotFound
        );
        assert_eq!(
            view(Some(&room(RoomType::Group)), &carol).unwrap_err(),
            DomainError::NotFound
        );
        assert_eq!(
            view(Some(&public), &Caller::User(user("bob")))
                .unwrap()
                .1
                .unwrap()
                .actor_id,
            "bob"
        );
    }
}
