//! Paths: the OCS prefix and its envelope (spec §1). Routes below it are [`crate::routing`]'s.

use crate::ocs::Envelope;

/// Splits a path into its envelope and the path below `/ocs/v1.php` or `/ocs/v2.php`.
pub fn ocs_path(path: &str) -> Option<(Envelope, &str)> {
    let (envelope, rest) = if let Some(rest) = path.strip_prefix("/ocs/v2.php") {
        (Envelope::V2, rest)
    } else {
        (Envelope::V1, path.strip_prefix("/ocs/v1.php")?)
    };
    rest.starts_with('/').then_some((envelope, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_either_prefix() {
        assert_eq!(
            ocs_path("/ocs/v2.php/apps/spreed/api/v1/room"),
            Some((Envelope::V2, "/apps/spreed/api/v1/room"))
        );
        assert_eq!(
            ocs_path("/ocs/v1.php/cloud/capabilities"),
            Some((Envelope::V1, "/cloud/capabilities"))
        );
    }

    #[test]
    fn other_prefixes_are_not_ocs_paths() {
        assert_eq!(ocs_path("/ocs/v3.php/apps/spreed/api/v1/room"), None);
        assert_eq!(ocs_path("/ocs/v2.phpx/room"), None);
        assert_eq!(ocs_path("/ocs/v2.php"), None);
        assert_eq!(ocs_path("/room"), None);
    }
}
