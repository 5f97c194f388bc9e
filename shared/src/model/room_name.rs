//! Room names: trimmed of ASCII whitespace, 1–200 characters (spec §6.2, §6.4, §11.1).

/// Why a room name was refused (400); the text says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRoomName(pub &'static str);

/// Most characters (not bytes) a room name may have (spec §11.1).
pub const MAX_ROOM_NAME_CHARS: usize = 200;

/// A valid, trimmed room name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomName(String);

impl RoomName {
    /// Trims ASCII whitespace and checks the length; 400 when empty or too long.
    pub fn parse(raw: &str) -> Result<Self, InvalidRoomName> {
        let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.is_empty() {
            return Err(InvalidRoomName("The room name must not be empty"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(InvalidRoomName("The room name must not contain control characters"));
        }
        if trimmed.chars().count() > MAX_ROOM_NAME_CHARS {
            return Err(InvalidRoomName("The room name must not be longer than 200 characters"));
        }
        Ok(Self(trimmed.to_string()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as owned text.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_ascii_whitespace_only() {
        assert_eq!(RoomName::parse(" \t name \n").unwrap().as_str(), "name");
        assert_eq!(RoomName::parse("\u{a0}x\u{a0}").unwrap().as_str(), "\u{a0}x\u{a0}");
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert!(RoomName::parse(&"é".repeat(200)).is_ok());
        assert!(RoomName::parse(&"a".repeat(201)).is_err());
        assert!(RoomName::parse("   ").is_err());
        assert!(RoomName::parse("").is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(RoomName::parse("a\u{0}b").is_err());
        assert!(RoomName::parse("line\nbreak").is_err());
        assert!(RoomName::parse("\u{85}").is_err());
        assert!(RoomName::parse("\ttrimmed\n").is_ok());
    }
}
