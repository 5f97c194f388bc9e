//! Paths: the OCS prefix and its envelope, the spreed API prefix (spec §1), and the routes the
//! API knows (for telling 405 from "no route").

use crate::ocs::Envelope;

const SPREED_PREFIX: &str = "/apps/spreed/api/v1";

/// Every route of spec §1 below the spreed prefix; `{token}` stands for one path segment.
/// `template.yaml` declares exactly these (a talkctl test compares them).
pub const SPREED_ROUTES: &[&str] = &[
    "/room",
    "/room/{token}",
    "/room/{token}/read-only",
    "/room/{token}/public",
    "/room/{token}/password",
    "/room/{token}/favorite",
    "/room/{token}/notify",
    "/room/{token}/participants",
    "/room/{token}/participants/self",
    "/room/{token}/participants/active",
    "/room/{token}/moderators",
];

/// Splits a path into its envelope and the path below `/ocs/v1.php` or `/ocs/v2.php`.
pub fn ocs_path(path: &str) -> Option<(Envelope, &str)> {
    let (envelope, rest) = if let Some(rest) = path.strip_prefix("/ocs/v2.php") {
        (Envelope::V2, rest)
    } else {
        (Envelope::V1, path.strip_prefix("/ocs/v1.php")?)
    };
    rest.starts_with('/').then_some((envelope, rest))
}

/// The route below the spreed prefix (`/room`, `/room/abc`); `None` outside the v1
/// conversation API: that is "no route" (spec §3.4).
pub fn spreed_route(path: &str) -> Option<(Envelope, &str)> {
    let (envelope, rest) = ocs_path(path)?;
    let route = rest.strip_prefix(SPREED_PREFIX)?;
    route.starts_with('/').then_some((envelope, route))
}

/// Whether a spreed route is one of [`SPREED_ROUTES`] with a well-formed token, whatever the
/// method (a malformed token makes any path "no route", spec §1).
pub fn is_known_route(route: &str) -> bool {
    let segments: Vec<&str> = route.split('/').collect();
    SPREED_ROUTES.iter().any(|pattern| {
        let pattern: Vec<&str> = pattern.split('/').collect();
        pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| *p == *s || (*p == "{token}" && crate::domain::RoomToken::parse(*s).is_ok()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_either_prefix() {
        assert_eq!(
            spreed_route("/ocs/v2.php/apps/spreed/api/v1/room"),
            Some((Envelope::V2, "/room"))
        );
        assert_eq!(
            spreed_route("/ocs/v1.php/apps/spreed/api/v1/room/abcd"),
            Some((Envelope::V1, "/room/abcd"))
        );
        assert_eq!(
            ocs_path("/ocs/v1.php/cloud/capabilities"),
            Some((Envelope::V1, "/cloud/capabilities"))
        );
    }

    #[test]
    fn other_paths_and_versions_are_no_route() {
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v4/room"), None);
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v1"), None);
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v1room"), None);
        assert_eq!(spreed_route("/ocs/v3.php/apps/spreed/api/v1/room"), None);
        assert_eq!(spreed_route("/room"), None);
    }

    #[test]
    fn known_routes_match_any_token_segment() {
        assert!(is_known_route("/room"));
        assert!(is_known_route("/room/abcdefgh"));
        assert!(!is_known_route("/room/NOT-A-TOKEN"));
        assert!(is_known_route("/room/abcd/participants/self"));
        assert!(!is_known_route("/room/abcd/unknown"));
        assert!(!is_known_route("/room//public"));
        assert!(!is_known_route("/rooms"));
    }
}
