//! Fuzzes what reads a chat message's text and a reaction: the mention finder (chat §5.1),
//! the renderer that replaces mentions with parameters (§5.2), and the reaction validator
//! (§12.3). None may panic, and a rendering keeps every parameter it names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use talk::domain::chat::is_valid_reaction;
use talk::domain::mentions::find_mentions;
use talk::domain::{
    ActorType, Comment, Content, Participant, ParticipantType, Room, RoomAggregate, RoomToken, RoomType, SystemEvent,
    User, UserId,
};
use talk::view::{MessageView, Reader, Shape, message_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for mention in find_mentions(text) {
        assert!(!mention.id.is_empty());
    }
    let _ = is_valid_reaction(text);
    let alice = User {
        id: UserId::parse("alice").unwrap(),
        display_name: "Alice".into(),
    };
    let room = RoomAggregate::new(
        Room::new(RoomToken::parse("fuzzroom").unwrap(), 1, RoomType::Group, "Fuzz"),
        vec![Participant::user(&alice, ParticipantType::Owner)],
    );
    let message = talk::domain::Message {
        content: Content::Comment(Comment {
            text: text.to_string(),
            reference_id: String::new(),
            silent: false,
            can_mention_all: true,
            last_edit: None,
        }),
        ..SystemEvent::ConversationCreated.by_user(&alice, 2, 0)
    };
    let view = MessageView {
        room: &room,
        reader: Reader {
            actor_type: ActorType::Users,
            actor_id: "alice",
        },
        shape: Shape::Chat,
    };
    let object = message_json(&message, view, None);
    if let Some(parameters) = object["messageParameters"].as_object() {
        let rendered = object["message"].as_str().unwrap_or_default();
        for key in parameters.keys() {
            assert!(rendered.contains(&format!("{{{key}}}")), "{key} not in {rendered:?}");
        }
    }
});
