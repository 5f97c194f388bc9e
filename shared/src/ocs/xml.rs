//! The XML form of the OCS envelope (spec §3.2), written with quick-xml as PHP's XMLWriter
//! renders it: map keys become elements, list items `<element>`, `true` is `1`, `false` an
//! empty element, `null` and empty lists self-closed elements.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;

/// Renders a JSON value whose root is a one-key object (`{"ocs": …}`) as an XML document.
pub fn to_xml_document(document: &Value) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    write(&mut writer, Event::Decl(BytesDecl::new("1.0", None, None)));
    match document {
        Value::Object(map) => {
            for (key, value) in map {
                write_value(&mut writer, element_name(key), value);
            }
        }
        other => write_value(&mut writer, "ocs", other),
    }
    let mut text = String::from_utf8(writer.into_inner()).expect("the writer only receives UTF-8 text");
    text.push('\n');
    text
}

fn write_value(writer: &mut Writer<Vec<u8>>, name: &str, value: &Value) {
    match value {
        Value::Null => write(writer, Event::Empty(BytesStart::new(name))),
        Value::Bool(true) => write_text(writer, name, "1"),
        Value::Bool(false) => write_text(writer, name, ""),
        Value::Number(number) => write_text(writer, name, &number.to_string()),
        Value::String(text) => write_text(writer, name, &xml_safe(text)),
        Value::Array(items) if items.is_empty() => write(writer, Event::Empty(BytesStart::new(name))),
        Value::Object(map) if map.is_empty() => write(writer, Event::Empty(BytesStart::new(name))),
        Value::Array(items) => {
            write(writer, Event::Start(BytesStart::new(name)));
            for item in items {
                write_value(writer, "element", item);
            }
            write(writer, Event::End(BytesEnd::new(name)));
        }
        Value::Object(map) => {
            write(writer, Event::Start(BytesStart::new(name)));
            for (key, item) in map {
                write_value(writer, element_name(key), item);
            }
            write(writer, Event::End(BytesEnd::new(name)));
        }
    }
}

fn write_text(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) {
    write(writer, Event::Start(BytesStart::new(name)));
    write(writer, Event::Text(BytesText::new(text)));
    write(writer, Event::End(BytesEnd::new(name)));
}

fn write(writer: &mut Writer<Vec<u8>>, event: Event<'_>) {
    writer.write_event(event).expect("writing to a Vec cannot fail");
}

/// A map key as an element name: itself if it is a plain XML name, else `element`.
fn element_name(key: &str) -> &str {
    let mut chars = key.chars();
    let valid_start = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let valid_rest = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if valid_start && valid_rest { key } else { "element" }
}

/// Replaces characters XML 1.0 cannot carry at all (most control characters) with U+FFFD, so
/// every document we send is well-formed whatever a user typed.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'));
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_the_envelope_like_php() {
        let doc = json!({"ocs": {"meta": {"status": "ok", "statuscode": 200, "message": "OK"},
            "data": {"flag": true, "off": false, "none": null, "empty": [], "list": [1, "a"], "name": "x"}}});
        let xml = to_xml_document(&doc);
        assert!(
            xml.starts_with("<?xml version=\"1.0\"?>\n<ocs>\n <meta>\n  <status>ok</status>"),
            "{xml}"
        );
        assert!(xml.contains("<flag>1</flag>"), "{xml}");
        assert!(xml.contains("<off></off>"), "{xml}");
        assert!(xml.contains("<none/>"), "{xml}");
        assert!(xml.contains("<empty/>"), "{xml}");
        assert!(
            xml.contains("<list>\n   <element>1</element>\n   <element>a</element>\n  </list>"),
            "{xml}"
        );
        assert!(xml.ends_with("</ocs>\n"), "{xml}");
    }

    #[test]
    fn escapes_text_and_replaces_invalid_names_and_characters() {
        let doc = json!({"ocs": {"data": {"1abc": "<&>\"'", "a b": "x\u{1}y"}}});
        let xml = to_xml_document(&doc);
        assert!(xml.contains("<element>&lt;&amp;&gt;&quot;&apos;</element>"), "{xml}");
        assert!(xml.contains("<element>x\u{FFFD}y</element>"), "{xml}");
    }

    #[test]
    fn element_names_follow_xml_rules() {
        assert_eq!(element_name("participantType"), "participantType");
        assert_eq!(element_name("max-length"), "max-length");
        assert_eq!(element_name("alice"), "alice");
        assert_eq!(element_name("42"), "element");
        assert_eq!(element_name(""), "element");
        assert_eq!(element_name("ünï"), "element");
    }
}
