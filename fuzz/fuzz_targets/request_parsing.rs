//! Fuzzes everything that reads raw request input: parameter merging from query, form and JSON
//! bodies with typed extraction, format negotiation, Basic credentials and identifiers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use talk::ocs::Format;
use talk::request::{BasicCredentials, Params};

fuzz_target!(|data: &[u8]| {
    // Split the input into a query, a content type selector and a body.
    let (head, body) = data.split_at(data.len().min(data.iter().position(|b| *b == 0).unwrap_or(data.len())));
    let query = String::from_utf8_lossy(head);
    let content_type = match body.first().copied().unwrap_or(0) % 4 {
        0 => None,
        1 => Some("application/json"),
        2 => Some("application/x-www-form-urlencoded; charset=utf-8"),
        _ => Some("text/plain"),
    };
    let body = body.get(1..).unwrap_or(&[]);
    if let Ok(params) = Params::parse(&query, content_type, body) {
        for name in ["roomType", "roomName", "invite", "state", "level", "password", "format"] {
            let _ = params.int(name);
            let _ = params.string(name);
        }
    }
    let text = String::from_utf8_lossy(data);
    let _ = Format::from_accept(&text);
    let _ = BasicCredentials::parse(&text);
    let _ = talk::domain::RoomToken::parse(text.as_ref());
    let _ = talk::domain::UserId::parse(text.as_ref());
    let _ = talk::domain::RoomName::parse(&text);
});
