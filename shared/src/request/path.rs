//! The path prefix of the spreed API (spec §1).

use crate::ocs::Envelope;

const V2_PREFIX: &str = "/ocs/v2.php/apps/spreed/api/v1";
const V1_PREFIX: &str = "/ocs/v1.php/apps/spreed/api/v1";

/// Splits a path into its envelope and the route below the API prefix (`/room`, `/room/abc`).
/// `None` when the path is outside the v1 conversation API: that is "no route" (spec §3.4).
pub fn spreed_route(path: &str) -> Option<(Envelope, &str)> {
    let (envelope, rest) = if let Some(rest) = path.strip_prefix(V2_PREFIX) {
        (Envelope::V2, rest)
    } else {
        (Envelope::V1, path.strip_prefix(V1_PREFIX)?)
    };
    rest.starts_with('/').then_some((envelope, rest))
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
    }

    #[test]
    fn other_paths_and_versions_are_no_route() {
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v4/room"), None);
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v1"), None);
        assert_eq!(spreed_route("/ocs/v2.php/apps/spreed/api/v1room"), None);
        assert_eq!(spreed_route("/room"), None);
    }
}
