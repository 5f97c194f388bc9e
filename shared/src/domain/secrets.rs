//! Random secrets from the OS CSPRNG and hashing of app passwords (design: authentication).

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Length of a new app password: 48 characters of 62 symbols, about 285 bits.
const APP_PASSWORD_LENGTH: usize = 48;

/// A string of `length` characters drawn uniformly from `alphabet` by the OS CSPRNG.
pub fn random_string(alphabet: &[u8], length: usize) -> String {
    assert!(
        !alphabet.is_empty() && alphabet.len() <= 256,
        "alphabets are non-empty byte sets"
    );
    // Rejection sampling keeps every symbol equally likely.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(length);
    let mut buffer = [0u8; 64];
    while out.len() < length {
        getrandom::fill(&mut buffer).expect("the OS random source is available");
        for &byte in &buffer {
            if (byte as usize) < limit && out.len() < length {
                out.push(alphabet[byte as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// A new app password secret.
pub fn new_app_password() -> String {
    random_string(ALPHANUMERIC, APP_PASSWORD_LENGTH)
}

/// The stored form of an app password: hex SHA-256 (right for a high-entropy secret).
pub fn app_password_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two hashes in constant time.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_passwords_are_long_and_distinct() {
        let a = new_app_password();
        assert_eq!(a.len(), APP_PASSWORD_LENGTH);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, new_app_password());
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            app_password_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(hashes_match(
            &app_password_hash("x"),
            &app_password_hash("x")
        ));
        assert!(!hashes_match(
            &app_password_hash("x"),
            &app_password_hash("y")
        ));
    }

    #[test]
    fn random_strings_cover_the_alphabet() {
        let text = random_string(b"ab", 400);
        assert!(text.contains('a') && text.contains('b'));
    }
}
