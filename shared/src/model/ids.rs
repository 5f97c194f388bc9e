//! Identifiers whose constructors reject bad values (spec §1, §2.2, §5).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::secrets;

/// A user id: 1–64 characters from `[A-Za-z0-9 _.@-]`, case-sensitive (spec §2.2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

/// A group id, with the same character rules as a user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupId(String);

/// A room token: `[a-z0-9]{4,30}` (spec §1); new ones are 8 characters (spec §5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomToken(String);

/// The value did not have the shape the identifier requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {value:?}")]
pub struct InvalidId {
    kind: &'static str,
    value: String,
}

fn is_account_id(value: &str) -> bool {
    (1..=64).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '@' | '-'))
}

/// The alphabet of new room tokens: no `l`, `0` or `1` (spec §5).
const TOKEN_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyz23456789";
const NEW_TOKEN_LENGTH: usize = 8;

macro_rules! string_id {
    ($type:ident, $kind:literal, $check:expr) => {
        impl $type {
            /// Parses the identifier, rejecting values of the wrong shape.
            pub fn parse(value: impl Into<String>) -> Result<Self, InvalidId> {
                let value = value.into();
                if $check(&value) {
                    Ok(Self(value))
                } else {
                    Err(InvalidId { kind: $kind, value })
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $type {
            type Error = InvalidId;
            fn try_from(value: String) -> Result<Self, InvalidId> {
                Self::parse(value)
            }
        }

        impl From<$type> for String {
            fn from(id: $type) -> String {
                id.0
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(UserId, "user id", is_account_id);
string_id!(GroupId, "group id", is_account_id);
string_id!(RoomToken, "room token", |value: &str| {
    (4..=30).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
});

impl RoomToken {
    /// A fresh random token: 8 characters drawn uniformly from the token alphabet by the OS
    /// CSPRNG (spec §5). Uniqueness is enforced by the store's conditional write.
    pub fn generate() -> Self {
        Self(secrets::random_string(TOKEN_ALPHABET, NEW_TOKEN_LENGTH))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_follow_the_spec() {
        for ok in ["alice", "Alice B", "a.b@c-d_e", &"x".repeat(64)] {
            assert!(UserId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a/b", "a#b", "ünï", &"x".repeat(65), "a:b"] {
            assert!(UserId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn room_tokens_follow_the_spec() {
        for ok in ["abcd", "a1b2c3d4", &"z".repeat(30)] {
            assert!(RoomToken::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["abc", "ABCD", "abc-", &"z".repeat(31), "abcd efg"] {
            assert!(RoomToken::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_tokens_are_valid_and_use_only_the_alphabet() {
        for _ in 0..200 {
            let token = RoomToken::generate();
            assert_eq!(token.as_str().len(), 8);
            assert!(token.as_str().bytes().all(|b| TOKEN_ALPHABET.contains(&b)), "{token}");
            assert!(RoomToken::parse(token.as_str()).is_ok());
        }
        assert_ne!(RoomToken::generate(), RoomToken::generate());
    }

    #[test]
    fn ids_round_trip_through_serde() {
        let id: UserId = serde_json::from_str("\"bob\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"bob\"");
        assert!(serde_json::from_str::<UserId>("\"b/ob\"").is_err());
    }
}
