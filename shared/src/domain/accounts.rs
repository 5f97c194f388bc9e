//! Deleting an account, as Talk does (spec §8.2 "Deleted user"): the account, its app
//! passwords and group memberships go first (so nothing can be added for it meanwhile), then
//! the user leaves every room. Their messages stay, their name on them becomes
//! [`DELETED_USER`]; a room left without members is deleted; a one-to-one room stays for the
//! other user, named `Deleted user (<id>)`, and its pair lock goes, so a new account with the
//! same id starts afresh.

use crate::store::{DirectoryError, Store};

use super::access::{Caller, Need};
use super::commit::{Edit, change_room};
use super::error::DomainError;
use super::{Participant, ParticipantType, RoomAggregate, RoomType, SystemEvent, User, UserId};

/// The name a deleted account's messages show.
pub const DELETED_USER: &str = "Deleted user";

/// Why removing an account failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoveUserError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error("removing the user from room {0}: {1}")]
    Room(String, DomainError),
}

/// Removes the account `user` and removes them from every room.
pub async fn remove_user(store: &Store, user: &UserId) -> Result<(), RemoveUserError> {
    let account = store.remove_account(user).await?;
    let tokens = store.user_room_tokens(user).await.map_err(DirectoryError::from)?;
    let caller = Caller::User(account.clone());
    for token in tokens {
        let failed = |error: DomainError| RemoveUserError::Room(token.to_string(), error);
        let first = store.load_room(&token).await.map_err(|error| failed(error.into()))?;
        let removal = change_room(
            store,
            &token,
            &caller,
            first,
            Need::Participant,
            Ok(()),
            |room, me, ()| account_deleted(room, me, &account),
        )
        .await;
        match removal {
            Ok(_) | Err(DomainError::NotFound) => {}
            Err(error) => return Err(failed(error)),
        }
        // After the removal, so that its own message is renamed too.
        store
            .rename_message_actor(&token, user, DELETED_USER)
            .await
            .map_err(|error| failed(error.into()))?;
    }
    Ok(())
}

/// The edit that takes a deleted account's row out of a room.
fn account_deleted(room: &RoomAggregate, me: &Participant, account: &User) -> Result<Option<Edit>, DomainError> {
    let others: Vec<&Participant> = room.members().filter(|p| !p.is_user(&account.id)).collect();
    if others.is_empty() {
        return Ok(Some(Edit::delete(&room.room)));
    }
    let mut edit = Edit::of(&room.room);
    edit.removed.push(me.clone());
    if room.room.room_type == RoomType::OneToOne {
        edit.room.deleted_users.push(account.id.clone());
        edit.releases_pair = room.room.deleted_users.is_empty();
        return Ok(Some(edit));
    }
    edit = edit.with_event(SystemEvent::UserRemoved(me.as_message_user()));
    if !others.iter().any(|p| p.participant_type.is_moderator())
        && let Some(heir) = others.iter().min_by(|a, b| a.actor_id.cmp(&b.actor_id))
    {
        // Talk leaves such a room without a moderator; here the remaining user first in id
        // order becomes one, so that someone can still manage the room.
        edit.upserted.push(Participant {
            participant_type: ParticipantType::Moderator,
            ..(*heir).clone()
        });
    }
    Ok(Some(edit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Room, RoomToken};

    fn user(id: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: id.to_uppercase(),
        }
    }

    fn room(room_type: RoomType, rows: &[(&str, ParticipantType)]) -> RoomAggregate {
        let mut room = Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, room_type, "Room");
        if room_type == RoomType::OneToOne {
            room.pair = vec![user("alice"), user("bob")];
        }
        RoomAggregate::new(
            room,
            rows.iter()
                .map(|(id, kind)| Participant::user(&user(id), *kind))
                .collect(),
        )
    }

    #[test]
    fn a_one_to_one_room_stays_for_the_other_user_and_releases_its_lock() {
        let pair = room(
            RoomType::OneToOne,
            &[("alice", ParticipantType::Owner), ("bob", ParticipantType::Owner)],
        );
        let edit = account_deleted(&pair, &pair.participants[1], &user("bob"))
            .unwrap()
            .unwrap();
        assert!(!edit.deletes_room && edit.releases_pair && edit.event.is_none());
        assert_eq!(edit.room.deleted_users, [user("bob").id]);
        assert_eq!(edit.removed[0].actor_id, "bob");
        let alone = room(RoomType::OneToOne, &[("bob", ParticipantType::Owner)]);
        assert!(
            account_deleted(&alone, &alone.participants[0], &user("bob"))
                .unwrap()
                .unwrap()
                .deletes_room
        );
    }

    #[test]
    fn the_last_moderator_s_room_gets_a_new_moderator() {
        let group = room(
            RoomType::Group,
            &[
                ("alice", ParticipantType::Owner),
                ("dave", ParticipantType::User),
                ("carol", ParticipantType::User),
            ],
        );
        let edit = account_deleted(&group, &group.participants[0], &user("alice"))
            .unwrap()
            .unwrap();
        assert!(matches!(edit.event, Some(SystemEvent::UserRemoved(_))));
        assert_eq!(edit.upserted.len(), 1);
        assert_eq!(
            (edit.upserted[0].actor_id.as_str(), edit.upserted[0].participant_type),
            ("carol", ParticipantType::Moderator)
        );
        let last = room(RoomType::Group, &[("alice", ParticipantType::Owner)]);
        assert!(
            account_deleted(&last, &last.participants[0], &user("alice"))
                .unwrap()
                .unwrap()
                .deletes_room
        );
    }
}
