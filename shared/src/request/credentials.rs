//! HTTP Basic credentials (`user-id:app-password`, spec §2.2), parsed but not yet verified.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The user id and secret a request claims. Debug output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub user: String,
    pub secret: String,
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl BasicCredentials {
    /// Parses an `Authorization` header value; `None` unless it is well-formed Basic auth.
    pub fn parse(header: &str) -> Option<Self> {
        let (scheme, encoded) = header.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        let (user, secret) = decoded.split_once(':')?;
        Some(Self {
            user: user.to_string(),
            secret: secret.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_basic_credentials() {
        let header = format!("Basic {}", STANDARD.encode("alice:se:cret"));
        let credentials = BasicCredentials::parse(&header).expect("valid header");
        assert_eq!(credentials.user, "alice");
        assert_eq!(credentials.secret, "se:cret");
        assert!(BasicCredentials::parse(&format!("basic {}", STANDARD.encode("a:b"))).is_some());
    }

    #[test]
    fn rejects_other_schemes_and_garbage() {
        assert_eq!(BasicCredentials::parse("Bearer abc"), None);
        assert_eq!(BasicCredentials::parse("Basic !!!"), None);
        assert_eq!(
            BasicCredentials::parse(&format!("Basic {}", STANDARD.encode("nocolon"))),
            None
        );
        assert_eq!(BasicCredentials::parse("Basic"), None);
    }

    #[test]
    fn debug_hides_the_secret() {
        let credentials = BasicCredentials {
            user: "alice".into(),
            secret: "topsecret".into(),
        };
        assert!(!format!("{credentials:?}").contains("topsecret"));
    }
}
