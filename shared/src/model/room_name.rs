//! Room names: trimmed of ASCII whitespace, 1–200 characters, not blank, without control,
//! format or line-breaking characters (spec §6.2, §6.4, §11.1; v4 spec §13.2).

/// Why a room name was refused (400); the text says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRoomName(pub &'static str);

/// Most characters (not bytes) a room name may have through API v1 (spec §11.1).
pub const MAX_ROOM_NAME_CHARS: usize = 200;
/// Most characters a room name may have through API v4 (v4 §6.2, §13.2).
pub const MAX_ROOM_NAME_CHARS_V4: usize = 255;

/// Unicode's format characters (general category Cf, Unicode 15.1), inclusive ranges: invisible
/// characters such as U+200B (zero width space) and U+202E (right-to-left override) that make
/// a name look like another or reorder what follows it.
const FORMAT_CHARACTERS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether a name may not contain `c`: control characters (Cc), format characters (Cf), and
/// the line and paragraph separators (Zl, Zp: U+2028, U+2029), which break a name across lines.
fn is_refused(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || FORMAT_CHARACTERS
            .iter()
            .any(|(first, last)| (*first..=*last).contains(&c))
}

/// A valid, trimmed room name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomName(String);

impl RoomName {
    /// Trims ASCII whitespace and checks the name: 400 when blank (also of Unicode white
    /// space such as U+00A0), with a refused character, or too long.
    pub fn parse(raw: &str) -> Result<Self, InvalidRoomName> {
        Self::parse_for(raw, super::ApiVersion::V1)
    }

    /// [`RoomName::parse`] with the length limit of `version` (v4 §13.2).
    pub fn parse_for(raw: &str, version: super::ApiVersion) -> Result<Self, InvalidRoomName> {
        let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.chars().any(is_refused) {
            return Err(InvalidRoomName(
                "The room name must not contain control, format or line separator characters",
            ));
        }
        if trimmed.trim().is_empty() {
            return Err(InvalidRoomName("The room name must not be empty"));
        }
        match version {
            super::ApiVersion::V1 if trimmed.chars().count() > MAX_ROOM_NAME_CHARS => {
                return Err(InvalidRoomName("The room name must not be longer than 200 characters"));
            }
            super::ApiVersion::V4 if trimmed.chars().count() > MAX_ROOM_NAME_CHARS_V4 => {
                return Err(InvalidRoomName("The room name must not be longer than 255 characters"));
            }
            _ => {}
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
    fn format_characters_and_separators_are_refused() {
        for name in [
            "a\u{202E}b",
            "line\u{2028}break",
            "para\u{2029}",
            "\u{200B}",
            "x\u{FEFF}",
            "\u{E0041}tag",
        ] {
            assert!(RoomName::parse(name).is_err(), "{name:?}");
        }
        assert!(RoomName::parse("emoji 👍🏽 and é").is_ok());
    }

    #[test]
    fn names_blank_after_trimming_any_white_space_are_refused() {
        for name in ["\u{A0}", "\u{A0}\u{2003}\u{3000}", " \u{A0} "] {
            assert!(RoomName::parse(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(RoomName::parse("a\u{0}b").is_err());
        assert!(RoomName::parse("line\nbreak").is_err());
        assert!(RoomName::parse("\u{85}").is_err());
        assert!(RoomName::parse("\ttrimmed\n").is_ok());
    }
}
