//! Property tests for everything a request can put into our hands: parameter parsing, format
//! negotiation, Basic credentials, identifiers, and both envelopes (JSON parses back to the
//! same data; XML is well-formed and escaped for any string, control characters and invalid
//! element names included).

use proptest::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};
use talk::ocs::{Envelope, Format, Reply, render_reply, to_xml_document};
use talk::request::{BasicCredentials, Params};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Reads a whole XML document; `Err` if it is not well-formed. Returns the text of every
/// element, with entity references resolved.
fn read_xml(text: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut texts = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(_) => {
                depth += 1;
                texts.push(std::mem::take(&mut current));
            }
            Event::End(_) => {
                depth -= 1;
                texts.push(std::mem::take(&mut current));
            }
            Event::Text(text) => {
                let raw: &str = &text;
                current.push_str(&quick_xml::escape::unescape(raw).map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(reference) => {
                let name: &str = &reference;
                current.push_str(match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => return Err(format!("unknown entity {other}")),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth == 0 {
        Ok(texts)
    } else {
        Err(format!("unbalanced elements: {depth}"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn xml_envelopes_are_well_formed_for_any_data(data in json_value()) {
        let document = serde_json::json!({"ocs": {"meta": {"status": "ok"}, "data": data}});
        let xml = to_xml_document(&document);
        prop_assert!(read_xml(&xml).is_ok(), "not well-formed: {xml}");
    }

    #[test]
    fn any_string_survives_xml_escaping(text in any::<String>()) {
        let document = serde_json::json!({"ocs": {"data": {"name": text.clone()}}});
        let xml = to_xml_document(&document);
        let texts = read_xml(&xml).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'));
        let expected: String = text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect();
        if !expected.trim().is_empty() {
            prop_assert!(texts.contains(&expected), "{expected:?} not in {texts:?}");
        }
    }

    #[test]
    fn json_envelopes_carry_the_data_unchanged(data in json_value()) {
        let response = render_reply(Reply::ok(data.clone()), Format::Json, Envelope::V2);
        let lambda_http::Body::Text(body) = response.body() else { panic!("text body") };
        let parsed: Value = serde_json::from_str(body).unwrap();
        prop_assert_eq!(&parsed["ocs"]["data"], &data);
    }

    #[test]
    fn parameter_parsing_never_panics_and_only_fails_with_400(
        query in any::<String>(),
        content_type in prop_oneof![Just(None), Just(Some("application/json".to_string())), Just(Some("application/x-www-form-urlencoded".to_string())), any::<String>().prop_map(Some)],
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        match Params::parse(&query, content_type.as_deref(), &body) {
            Ok(params) => {
                for name in ["roomType", "roomName", "state", "level", "x"] {
                    let _ = params.int(name);
                    let _ = params.string(name);
                }
            }
            Err(error) => prop_assert_eq!(talk::ocs::ApiError::from(error).status().as_u16(), 400),
        }
    }

    #[test]
    fn format_negotiation_never_panics(format in proptest::option::of(any::<String>()), accept in proptest::option::of(any::<String>())) {
        let chosen = Format::negotiate(format.as_deref(), accept.as_deref());
        if format.is_none() && accept.is_none() {
            prop_assert_eq!(chosen, Format::Xml);
        }
    }

    #[test]
    fn basic_credentials_parsing_never_panics(header in any::<String>()) {
        let _ = BasicCredentials::parse(&header);
    }

    #[test]
    fn basic_credentials_round_trip_and_never_show_the_secret(user in "[A-Za-z0-9 _.@-]{1,64}", secret in "[A-Za-z0-9:]{24,60}") {
        use base64::Engine;
        let header = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}")));
        let credentials = BasicCredentials::parse(&header).expect("well-formed credentials parse");
        prop_assert_eq!(&credentials.user, &user);
        prop_assert_eq!(&credentials.secret, &secret);
        let shown = format!("{credentials:?}");
        prop_assert!(!shown.contains(&secret));
    }

    #[test]
    fn identifiers_accept_exactly_their_shape(text in any::<String>()) {
        let token_shape = (4..=30).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        prop_assert_eq!(talk::domain::RoomToken::parse(text.as_str()).is_ok(), token_shape);
        let user_shape = (1..=64).contains(&text.chars().count())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '@' | '-'));
        prop_assert_eq!(talk::domain::UserId::parse(text.as_str()).is_ok(), user_shape);
    }
}
