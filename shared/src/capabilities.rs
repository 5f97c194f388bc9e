//! The capabilities document (spec §10) and the `X-Nextcloud-Talk-Hash` derived from it
//! (spec §3.6). [`FEATURES`] is the one list of what this server implements; a feature is
//! added here in the same change that makes it work (its test is in `tests/`).

use std::sync::OnceLock;

use serde_json::{Value, json};
use sha1::Digest;

/// The Talk capability names whose behaviour this server implements.
pub const FEATURES: &[&str] = &[
    "favorites",
    "notification-levels",
    "read-only-rooms",
    "locked-one-to-one-rooms",
    "empty-group-room",
    "last-room-activity",
    "system-messages",
    "multi-room-users",
    "start-call-flag",
    "in-call-flags",
    "mention-flag",
    "conversation-v4",
    "direct-mention-flag",
    "room-description",
    "no-ping",
    "publishing-permissions",
    "conversation-permissions",
    "chat-permission",
    "chat-v2",
    "chat-read-marker",
    "chat-read-last",
    "chat-unread",
    "chat-replies",
    "chat-reference-id",
    "delete-messages",
    "delete-messages-unlimited",
    "edit-messages",
    "chat-get-context",
    "clear-history",
    "reactions",
    "silent-send",
    "markdown-messages",
    "guest-display-names",
];

/// Most characters of a chat message (spec §10).
pub const CHAT_MAX_LENGTH: u32 = 32000;

/// The Nextcloud version reported to clients: the server generation whose Talk (8) spoke
/// this API (spec decision: clients gate features on capabilities, not on this number).
const VERSION: (u32, u32, u32) = (18, 0, 0);

/// The Talk version whose API this server emulates (v4 §10): clients gate on it.
pub const TALK_VERSION: &str = "21.1.0";

/// Most characters of a room description (v4 §6.6).
const DESCRIPTION_LENGTH: u32 = 2000;

/// `spreed.config` (v4 §10): honest values for a server without calls, files, federation,
/// translations or signaling.
fn config() -> Value {
    json!({
        "attachments": {"allowed": false},
        "call": {
            "enabled": false,
            "breakout-rooms": false,
            "recording": false,
            "recording-consent": 0,
            "supported-reactions": [],
            "predefined-backgrounds": [],
            "predefined-backgrounds-v2": [],
            "can-upload-background": false,
            "sip-enabled": false,
            "sip-dialout-enabled": false,
            "can-enable-sip": false,
            "start-without-media": false,
            "max-duration": 0,
            "blur-virtual-background": false,
            "end-to-end-encryption": false,
        },
        "chat": {
            "max-length": CHAT_MAX_LENGTH,
            "read-privacy": 0,
            "has-translation-providers": false,
            "has-translation-task-providers": false,
            "typing-privacy": 0,
            "summary-threshold": 100,
        },
        "conversations": {
            "can-create": true,
            "force-passwords": false,
            "list-style": "two-lines",
            "description-length": DESCRIPTION_LENGTH,
            "retention-event": 0,
            "retention-phone": 0,
            "retention-instant-meetings": 0,
        },
        "federation": {
            "enabled": false,
            "incoming-enabled": false,
            "outgoing-enabled": false,
            "only-trusted-servers": true,
        },
        "previews": {"max-gif-size": 3_145_728},
        "signaling": {"session-ping-limit": 200},
        "experiments": {"enabled": 0},
    })
}

/// The `data` of the capabilities answer.
pub fn capabilities() -> Value {
    let (major, minor, micro) = VERSION;
    json!({
        "version": {
            "major": major,
            "minor": minor,
            "micro": micro,
            "string": format!("{major}.{minor}.{micro}"),
            "edition": "",
            "extendedSupport": false,
        },
        "capabilities": {
            "spreed": {
                "features": FEATURES,
                "features-local": [],
                "config": config(),
                "config-local": {},
                "version": TALK_VERSION,
            },
        },
    })
}

/// Hex SHA-1 of the capabilities and configuration clients cache: changes whenever they do.
pub fn talk_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hex::encode(sha1::Sha1::digest(capabilities().to_string().as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_has_the_spec_shape() {
        let document = capabilities();
        assert_eq!(document["version"]["string"], "18.0.0");
        assert_eq!(document["version"]["extendedSupport"], false);
        assert_eq!(
            document["capabilities"]["spreed"]["config"]["chat"]["max-length"],
            32000
        );
        assert_eq!(
            document["capabilities"]["spreed"]["features"].as_array().unwrap().len(),
            FEATURES.len()
        );
    }

    #[test]
    fn the_hash_is_the_sha1_of_the_document_clients_receive() {
        let document = serde_json::to_vec(&capabilities()).unwrap();
        let expected: String = sha1::Sha1::digest(&document)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(talk_hash(), expected);
        assert!(
            talk_hash()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
}
