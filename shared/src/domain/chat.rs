//! Chat use cases (chat §3–§5, §12): who may post, sending with mention and reply markers,
//! deleting and editing messages, read markers, clearing the history and reactions. Each is a
//! pure decision turned into an [`Edit`] committed like any room change; what a decision
//! needs to know about other messages (the parent, the target) is read with the room.

use super::commit::{Edit, Posted};
use super::error::DomainError;
use super::{
    ActorType, Comment, Content, Deletion, LastEdit, MAX_DELETED_COMMENTS, Message, NotificationLevel, Participant,
    ParticipantType, Reaction, RoomAggregate, RoomType, SystemEvent, UNREAD_FROM_FIRST, now,
};
use crate::model::mentions::{MentionKind, find_mentions};

/// Most characters of a chat message (chat §4.2, capability `config.chat.max-length`).
pub const MAX_MESSAGE_CHARS: usize = 32000;
/// The permission bit that allows chatting (v4 §5).
pub const CHAT_PERMISSION: i64 = 128;
/// Characters of a reference id kept (chat §4.2).
const MAX_REFERENCE_ID_CHARS: usize = 64;
/// Messages older than this cannot be edited (chat §4.4).
const EDIT_WINDOW_SECONDS: i64 = 24 * 3600;

/// chat §3: the checks before reading: the lobby keeps non-moderators out (412).
pub fn may_read(aggregate: &RoomAggregate, me: &Participant) -> Result<(), DomainError> {
    if lobby_applies(aggregate, me) {
        return Err(DomainError::LobbyActive);
    }
    Ok(())
}

fn lobby_applies(aggregate: &RoomAggregate, me: &Participant) -> bool {
    aggregate.room.lobby_state == 1
        && !me.participant_type.is_moderator()
        && me.effective_permissions(&aggregate.room) & 8 == 0
}

/// chat §3: the checks before posting: read-only (403), lobby (412), chat permission (403).
pub fn may_post(aggregate: &RoomAggregate, me: &Participant) -> Result<(), DomainError> {
    if aggregate.room.read_only == 1 {
        return Err(DomainError::Forbidden);
    }
    may_read(aggregate, me)?;
    if me.effective_permissions(&aggregate.room) & CHAT_PERMISSION == 0 {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// chat §3: guests may not delete, edit or set read markers (404).
pub fn require_user(me: &Participant) -> Result<(), DomainError> {
    match me.actor_type {
        ActorType::Users => Ok(()),
        ActorType::Guests => Err(DomainError::NotFound),
    }
}

/// A chat message's text: trimmed, not empty (400), at most [`MAX_MESSAGE_CHARS`] (413).
fn checked_text(text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("message", "The message must not be empty"));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(DomainError::TooLarge("message"));
    }
    Ok(text.to_string())
}

/// `POST /chat/{token}` (chat §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendCommand {
    pub message: String,
    pub reference_id: String,
    pub reply_to: i64,
    pub silent: bool,
    /// Guests: the name to show (and keep).
    pub actor_display_name: String,
}

/// chat §4.2: post a chat message. `parent` is the message `reply_to` names, read with the
/// room. The sender has read it; mentioned participants and the author replied to get their
/// markers (§5.3); in a one-to-one room the other user becomes a participant again.
pub fn send(
    aggregate: &RoomAggregate,
    me: &Participant,
    command: &SendCommand,
    parent: Option<&Message>,
) -> Result<Option<Edit>, DomainError> {
    may_post(aggregate, me)?;
    let text = checked_text(&command.message)?;
    if command.reply_to != 0 && !parent.is_some_and(is_replyable) {
        return Err(DomainError::invalid(
            "reply-to",
            "The message replied to cannot be replied to",
        ));
    }
    let room = &aggregate.room;
    let id = room.next_message_id();
    let reference_id: String = command.reference_id.chars().take(MAX_REFERENCE_ID_CHARS).collect();
    let mut edit = Edit::of(room);
    edit.post = Some(Posted {
        content: Content::Comment(Comment {
            text: text.clone(),
            reference_id: reference_id.trim().to_string(),
            silent: command.silent,
            can_mention_all: true,
            last_edit: None,
        }),
        parent: (command.reply_to != 0).then_some(command.reply_to),
    });
    let mut sender = me.clone();
    sender.read_up_to(id, room.comment_count + 1);
    let name = command.actor_display_name.trim();
    if me.actor_type == ActorType::Guests && !name.is_empty() {
        sender.display_name = name.to_string();
    }
    let mut rows = vec![sender];
    if room.room_type == RoomType::OneToOne {
        for user in &room.pair {
            if aggregate.user_participant(&user.id).is_none() && !room.deleted_users.contains(&user.id) {
                let mut row = Participant::user(user, ParticipantType::Owner);
                row.read_up_to(room.last_message_id, room.comment_count);
                rows.push(row);
            }
        }
    }
    mark_mentions(aggregate, me, &text, parent, id, &mut rows);
    edit.upserted = rows;
    Ok(Some(edit))
}

/// chat §4.2 step 4: comments of users and guests can be replied to.
fn is_replyable(message: &Message) -> bool {
    matches!(message.content, Content::Comment(_))
}

/// chat §5.3: raise the mention markers of those `text` mentions (and of the author replied
/// to) to `id`, in `rows` (the rows this change writes; others are added).
fn mark_mentions(
    aggregate: &RoomAggregate,
    sender: &Participant,
    text: &str,
    parent: Option<&Message>,
    id: i64,
    rows: &mut Vec<Participant>,
) {
    let mentions = find_mentions(text);
    let everyone = mentions.iter().any(|m| m.kind == MentionKind::User && m.id == "all");
    let mut direct: Vec<&str> = mentions
        .iter()
        .filter(|m| m.kind == MentionKind::User && m.id != "all")
        .map(|m| m.id.as_str())
        .collect();
    if let Some(parent) = parent.filter(|p| p.actor_type == ActorType::Users) {
        direct.push(&parent.actor_id);
    }
    let candidates = aggregate.participants.iter().filter(|p| {
        p.actor_type == ActorType::Users
            && !p.is_same_actor(sender)
            && (everyone || direct.contains(&p.actor_id.as_str()))
            && !lobby_applies(aggregate, p)
            && resolved_level(aggregate, p) != NotificationLevel::Never
    });
    let marked: Vec<Participant> = candidates.cloned().collect();
    if marked.is_empty() {
        return;
    }
    let mut touch =
        |row: &Participant, change: &dyn Fn(&mut Participant)| match rows.iter_mut().find(|r| r.is_same_actor(row)) {
            Some(existing) => change(existing),
            None => {
                let mut copy = row.clone();
                change(&mut copy);
                rows.push(copy);
            }
        };
    for row in &marked {
        touch(row, &|p| p.last_mention_message = p.last_mention_message.max(id));
    }
    for row in aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Users && direct.contains(&p.actor_id.as_str()))
    {
        touch(row, &|p| p.last_mention_direct = p.last_mention_direct.max(id));
    }
}

/// The notification level in effect (v4 §8.1 #24).
fn resolved_level(aggregate: &RoomAggregate, p: &Participant) -> NotificationLevel {
    match p.notification_level {
        NotificationLevel::Default if aggregate.room.room_type == RoomType::OneToOne => NotificationLevel::Always,
        NotificationLevel::Default => NotificationLevel::Mention,
        level => level,
    }
}

/// chat §4.3, §4.4 steps 1–4: the message exists in the room (404), is the caller's own or the
/// caller moderates a room that is not one-to-one (403), and is a chat message (405).
fn editable<'a>(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: Option<&'a Message>,
) -> Result<&'a Message, DomainError> {
    require_user(me)?;
    may_post(aggregate, me)?;
    let target = target.ok_or(DomainError::Unknown("message"))?;
    let own = target.is_by(me);
    let moderator = matches!(me.participant_type, ParticipantType::Owner | ParticipantType::Moderator);
    if !own && (!moderator || aggregate.room.room_type == RoomType::OneToOne) {
        return Err(DomainError::Refused("permission"));
    }
    if !matches!(target.content, Content::Comment(_)) {
        return Err(DomainError::WrongKind("message"));
    }
    Ok(target)
}

/// chat §4.3: delete a chat message: it becomes `comment_deleted`, and `message_deleted`
/// (parent: the message) is posted without becoming `lastMessage`.
pub fn delete_message(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: Option<&Message>,
) -> Result<Option<Edit>, DomainError> {
    let target = editable(aggregate, me, target)?;
    let mut deleted = target.clone();
    deleted.rev += 1;
    deleted.content = Content::Deleted(Deletion {
        actor_type: me.actor_type,
        actor_id: me.actor_id.clone(),
        actor_display_name: me.display_name.clone(),
        timestamp: now(),
    });
    let mut edit = Edit::of(&aggregate.room);
    if aggregate.room.last_message.as_ref().is_some_and(|m| m.id == target.id) {
        edit.room.last_message = Some(deleted.clone());
    }
    let deleted_seqs = &mut edit.room.deleted_comments;
    deleted_seqs.push(target.comment_seq);
    if deleted_seqs.len() > MAX_DELETED_COMMENTS {
        deleted_seqs.remove(0);
    }
    edit.rewritten.push(deleted);
    edit.post = Some(Posted {
        content: Content::System(SystemEvent::MessageDeleted),
        parent: Some(target.id),
    });
    Ok(Some(edit))
}

/// chat §4.4: edit a chat message (within 24 hours); `message_edited` (parent: the message)
/// is posted without becoming `lastMessage`.
pub fn edit_message(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: Option<&Message>,
    text: &str,
) -> Result<Option<Edit>, DomainError> {
    let target = editable(aggregate, me, target)?;
    let now = now();
    if now - target.timestamp > EDIT_WINDOW_SECONDS {
        return Err(DomainError::invalid(
            "age",
            "Messages older than a day cannot be edited",
        ));
    }
    let text = checked_text(text)?;
    let mut edited = target.clone();
    edited.rev += 1;
    if let Content::Comment(comment) = &mut edited.content {
        comment.text = text;
        comment.last_edit = Some(LastEdit {
            actor_type: me.actor_type,
            actor_id: me.actor_id.clone(),
            actor_display_name: me.display_name.clone(),
            timestamp: now,
        });
    }
    let mut edit = Edit::of(&aggregate.room);
    if aggregate.room.last_message.as_ref().is_some_and(|m| m.id == target.id) {
        edit.room.last_message = Some(edited.clone());
    }
    edit.rewritten.push(edited);
    edit.post = Some(Posted {
        content: Content::System(SystemEvent::MessageEdited),
        parent: Some(target.id),
    });
    Ok(Some(edit))
}

/// chat §4.5 POST: the caller's read marker at `id` (0: −2, "everything unread"), given the
/// newest message at or before it (its chat message count); `lastAttendeeActivity` moves.
pub fn set_read_marker(me: &Participant, id: i64, at_or_before: Option<&Message>) -> Result<Participant, DomainError> {
    require_user(me)?;
    let mut row = me.clone();
    if id == 0 {
        row.read_up_to(UNREAD_FROM_FIRST, 0);
    } else {
        row.read_up_to(id, at_or_before.map_or(0, |m| m.comment_seq));
    }
    row.last_attendee_activity = now();
    Ok(row)
}

/// chat §4.5 DELETE: mark the newest chat message unread. `older` are the messages before the
/// room's last message, newest first.
pub fn mark_unread(aggregate: &RoomAggregate, me: &Participant, older: &[Message]) -> Result<Participant, DomainError> {
    require_user(me)?;
    let Some(last) = &aggregate.room.last_message else {
        return set_read_marker(me, 0, None);
    };
    let mut comments = older.iter().filter(|m| m.content.is_comment());
    let target = if last.content.is_comment() {
        comments.next()
    } else {
        let newest = comments.next();
        comments.next().or(newest)
    }
    .or_else(|| older.first());
    match target {
        Some(message) => set_read_marker(me, message.id, Some(message)),
        None => set_read_marker(me, 0, None),
    }
}

/// chat §4.8: clear the history (user moderators; not in one-to-one rooms): every marker goes
/// back to −2 and `history_cleared` is posted. The old messages are deleted after the commit.
pub fn clear_history(aggregate: &RoomAggregate, me: &Participant) -> Result<Option<Edit>, DomainError> {
    if aggregate.room.read_only == 1 {
        return Err(DomainError::Forbidden);
    }
    let moderator = matches!(me.participant_type, ParticipantType::Owner | ParticipantType::Moderator);
    if !moderator || aggregate.room.room_type == RoomType::OneToOne {
        return Err(DomainError::Forbidden);
    }
    let mut edit = Edit::of(&aggregate.room).with_event(SystemEvent::HistoryCleared);
    edit.room.comment_count = 0;
    edit.room.deleted_comments.clear();
    edit.upserted = aggregate
        .participants
        .iter()
        .map(|p| {
            let mut row = p.clone();
            row.read_up_to(UNREAD_FROM_FIRST, 0);
            row.last_mention_message = 0;
            row.last_mention_direct = 0;
            row
        })
        .collect();
    Ok(Some(edit))
}

/// Whether `emoji` is one reaction (chat §12.3): one emoji-like grapheme of at least two
/// bytes. Without Unicode's tables this keeps to what they decide for emojis: no white space,
/// no letters but lower-case ones, no currency symbols, and one cluster (joiners, variation
/// selectors, skin tones, keycaps, tags and regional-indicator pairs bind to their base).
pub fn is_valid_reaction(emoji: &str) -> bool {
    if emoji.len() < 2 || emoji.len() > 64 {
        return false;
    }
    let mut bases = 0;
    let mut joined = false;
    let mut regional = 0;
    for c in emoji.chars() {
        let code = u32::from(c);
        let binds = matches!(code, 0x200D | 0xFE0E | 0xFE0F | 0x20E3 | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F);
        if c.is_whitespace() || c.is_control() || (c.is_alphabetic() && !c.is_lowercase()) || is_currency(code) {
            return false;
        }
        if (0x1F1E6..=0x1F1FF).contains(&code) {
            regional += 1;
            if regional % 2 == 1 && !joined {
                bases += 1;
            }
            joined = false;
            continue;
        }
        if binds {
            joined = code == 0x200D;
            continue;
        }
        if !joined {
            bases += 1;
        }
        joined = false;
    }
    bases == 1
}

fn is_currency(code: u32) -> bool {
    matches!(code, 0x24 | 0xA2..=0xA5 | 0x58F | 0x20A0..=0x20CF)
}

/// chat §12.1 POST: react to a chat message. `Ok(None)`: the caller has this reaction already.
pub fn react(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: &Message,
    emoji: &str,
) -> Result<Option<Edit>, DomainError> {
    may_post(aggregate, me)?;
    if !matches!(target.content, Content::Comment(_)) {
        return Err(DomainError::invalid("message", "Only chat messages take reactions"));
    }
    let emoji = emoji.trim();
    if own_reaction(target, me, emoji).is_some() {
        return Ok(None);
    }
    if !is_valid_reaction(emoji) {
        return Err(DomainError::invalid("reaction", "Not a single emoji"));
    }
    let id = aggregate.room.next_message_id();
    let mut reacted = target.clone();
    reacted.rev += 1;
    reacted.reactions.push(Reaction {
        actor_type: me.actor_type,
        actor_id: me.actor_id.clone(),
        actor_display_name: me.display_name.clone(),
        emoji: emoji.to_string(),
        timestamp: now(),
        row: id,
    });
    let mut edit = Edit::of(&aggregate.room);
    edit.rewritten.push(reacted);
    edit.post = Some(Posted {
        content: Content::Reaction {
            emoji: emoji.to_string(),
            revoked: false,
        },
        parent: Some(target.id),
    });
    Ok(Some(edit))
}

fn own_reaction<'a>(target: &'a Message, me: &Participant, emoji: &str) -> Option<&'a Reaction> {
    target
        .reactions
        .iter()
        .find(|r| r.actor_type == me.actor_type && r.actor_id == me.actor_id && r.emoji == emoji)
}

/// chat §12.1 DELETE: withdraw the caller's reaction: its row becomes `reaction_deleted` and
/// `reaction_revoked` is posted. 404 when the caller has no such reaction.
pub fn unreact(
    aggregate: &RoomAggregate,
    me: &Participant,
    target: &Message,
    emoji: &str,
) -> Result<Option<Edit>, DomainError> {
    may_post(aggregate, me)?;
    let emoji = emoji.trim();
    let reaction = own_reaction(target, me, emoji).ok_or(DomainError::NotFound)?;
    let mut reacted = target.clone();
    reacted.rev += 1;
    reacted.reactions.retain(|r| r != reaction);
    let row = Message {
        id: reaction.row,
        actor_type: reaction.actor_type,
        actor_id: reaction.actor_id.clone(),
        actor_display_name: reaction.actor_display_name.clone(),
        timestamp: reaction.timestamp,
        content: Content::Reaction {
            emoji: reaction.emoji.clone(),
            revoked: true,
        },
        parent: Some(target.id),
        reactions: Vec::new(),
        comment_seq: 0,
        rev: 1,
    };
    let mut edit = Edit::of(&aggregate.room);
    edit.rewritten.push(reacted);
    if row.id > 0 {
        edit.rewritten.push(row);
    }
    edit.post = Some(Posted {
        content: Content::System(SystemEvent::ReactionRevoked),
        parent: Some(target.id),
    });
    Ok(Some(edit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_are_single_emojis() {
        for valid in ["👍", "❤️", "❤", "☝️️", "👍🏽", "👩‍👩‍👧", "🇩🇪", "#️⃣", "©", "é", "ß"]
        {
            assert!(is_valid_reaction(valid), "{valid}");
        }
        for invalid in ["", "a", "1", "👍👍", "€", "中", " 👍", "A", "🇩🇪🇫🇷", "$$", "ab"] {
            assert!(!is_valid_reaction(invalid), "{invalid}");
        }
    }
}
