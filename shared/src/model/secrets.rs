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

/// Length of a Talk session id (spec §5).
const SESSION_ID_LENGTH: usize = 255;

/// A new Talk session id: 255 random characters from `A–Z a–z 0–9` (spec §5).
pub fn new_session_id() -> String {
    random_string(ALPHANUMERIC, SESSION_ID_LENGTH)
}

/// A new guest session secret, carried by the guest's cookie.
pub fn new_guest_secret() -> String {
    random_string(ALPHANUMERIC, APP_PASSWORD_LENGTH)
}

/// A guest's actor id: hex SHA-1 of their Talk session id (spec §9).
pub fn guest_actor_id(session_id: &str) -> String {
    use sha1::Digest as _;
    hex::encode(sha1::Sha1::digest(session_id.as_bytes()))
}

/// A new app password secret.
pub fn new_app_password() -> String {
    random_string(ALPHANUMERIC, APP_PASSWORD_LENGTH)
}

/// The stored form of a high-entropy secret (app password, guest cookie): hex SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Memory cost of new room password hashes, KiB.
const ARGON2_MEMORY_KIB: u32 = 7 * 1024;
/// Passes of new room password hashes.
const ARGON2_PASSES: u32 = 5;

/// The stored form of a room password: argon2id with a fresh 128-bit salt, as a PHC string.
/// The cost is the OWASP configuration of 7 MiB and 5 passes, which OWASP rates equal to the
/// argon2 crate's default of 19 MiB and 2 passes, and which keeps a function's memory small
/// (the benchmark's memory goal); hashes of other costs still verify, by their own cost.
pub fn room_password_hash(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source is available");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    let params = argon2::Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None).expect("valid argon2 parameters");
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id hashes any password with default parameters")
        .to_string()
}

/// Whether `password` matches a stored room password hash.
pub fn room_password_matches(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(stored).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
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
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(hashes_match(&secret_hash("x"), &secret_hash("x")));
        assert!(!hashes_match(&secret_hash("x"), &secret_hash("y")));
    }

    #[test]
    fn room_passwords_are_salted_argon2id() {
        let hash = room_password_hash("correct horse");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert_ne!(hash, room_password_hash("correct horse"), "every hash has its own salt");
        assert!(room_password_matches("correct horse", &hash));
        assert!(!room_password_matches("wrong", &hash));
        assert!(!room_password_matches("correct horse", "not a hash"));
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
    }

    #[test]
    fn hashes_of_the_former_cost_still_verify() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let former = argon2::Argon2::default()
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        assert!(former.contains("m=19456,t=2,p=1"), "{former}");
        assert!(room_password_matches("correct horse", &former));
        assert!(!room_password_matches("wrong", &former));
    }

    #[test]
    fn random_strings_cover_the_alphabet() {
        let text = random_string(b"ab", 400);
        assert!(text.contains('a') && text.contains('b'));
    }
}
