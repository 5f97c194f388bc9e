//! The constants of spec §5 as types: conversation types, participant types, notification
//! levels and actor types. Each is stored and sent as its integer (or string) code.

use serde::{Deserialize, Serialize};

macro_rules! int_enum {
    ($(#[$meta:meta])* $type:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub enum $type { $($(#[$vmeta])* $variant = $code),+ }

        impl $type {
            /// The value for a code of spec §5, if it is one.
            pub fn from_code(code: i64) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            /// The integer code of spec §5.
            pub fn code(self) -> i64 {
                self as i64
            }
        }

        impl TryFrom<i64> for $type {
            type Error = String;
            fn try_from(code: i64) -> Result<Self, String> {
                Self::from_code(code).ok_or_else(|| format!("{} is not a valid {}", code, stringify!($type)))
            }
        }

        impl From<$type> for i64 {
            fn from(value: $type) -> i64 {
                value.code()
            }
        }
    };
}

int_enum!(
    /// Conversation type (spec §5).
    RoomType {
        OneToOne = 1,
        Group = 2,
        Public = 3,
        /// The "Talk updates" room of the original; never created here (spec §11.5).
        Changelog = 4,
    }
);

int_enum!(
    /// Participant type (spec §5).
    ParticipantType {
        Owner = 1,
        Moderator = 2,
        User = 3,
        Guest = 4,
        /// A user who joined a public room by link.
        UserSelfJoined = 5,
        GuestModerator = 6,
    }
);

int_enum!(
    /// Notification level (spec §5).
    #[derive(Default)]
    NotificationLevel {
        #[default]
        Default = 0,
        Always = 1,
        Mention = 2,
        Never = 3,
    }
);

impl ParticipantType {
    /// Owners, moderators and guest moderators may moderate (spec §4).
    pub fn is_moderator(self) -> bool {
        matches!(self, Self::Owner | Self::Moderator | Self::GuestModerator)
    }

    /// Guests and guest moderators.
    pub fn is_guest(self) -> bool {
        matches!(self, Self::Guest | Self::GuestModerator)
    }
}

/// Who performed something: a user or a guest (spec §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    Users,
    Guests,
}

impl ActorType {
    /// The `actorType` of a group attendee (v4 §9), which has no participant row.
    pub const GROUPS: &'static str = "groups";

    /// The `actorType` text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Guests => "guests",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in 1..=4 {
            assert_eq!(RoomType::from_code(code).unwrap().code(), code);
        }
        for code in 1..=6 {
            assert_eq!(ParticipantType::from_code(code).unwrap().code(), code);
        }
        assert_eq!(RoomType::from_code(0), None);
        assert_eq!(ParticipantType::from_code(7), None);
        assert_eq!(NotificationLevel::from_code(4), None);
    }

    #[test]
    fn moderators_are_owner_moderator_and_guest_moderator() {
        let moderators: Vec<_> = (1..=6)
            .filter_map(ParticipantType::from_code)
            .filter(|t| t.is_moderator())
            .map(ParticipantType::code)
            .collect();
        assert_eq!(moderators, vec![1, 2, 6]);
    }

    #[test]
    fn serialised_as_integers() {
        assert_eq!(serde_json::to_string(&RoomType::Public).unwrap(), "3");
        assert_eq!(
            serde_json::from_str::<ParticipantType>("5").unwrap(),
            ParticipantType::UserSelfJoined
        );
        assert!(serde_json::from_str::<ParticipantType>("9").is_err());
    }
}

/// A version of Talk's API below `/apps/spreed/api/` (conversation API v1 and v4; the chat
/// API is v1 too). Use cases whose rules differ between the versions take the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    V4,
}

impl ApiVersion {
    /// The path segment (`v1`, `v4`).
    pub const fn segment(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V4 => "v4",
        }
    }
}
