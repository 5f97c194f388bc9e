//! Request parameters merged from the query string, a form body and a JSON body, with typed
//! extraction (spec §2.3).

use serde_json::{Map, Value};

use crate::domain::DomainError;
use crate::ocs::ApiError;

/// A parameter or body that cannot be read as the endpoint needs it (400): which parameter
/// (empty for the body), and a text saying what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub name: String,
    pub message: String,
}

impl From<ParamError> for ApiError {
    fn from(error: ParamError) -> Self {
        ApiError::rejected(http::StatusCode::BAD_REQUEST, error.name, error.message)
    }
}

/// A command whose parameters did not parse is refused by the use case at its place in the
/// order of checks (after 404 and 403), as input it cannot accept.
impl From<ParamError> for DomainError {
    fn from(error: ParamError) -> Self {
        DomainError::Invalid {
            reason: error.name,
            message: error.message,
        }
    }
}

/// Bodies larger than this are refused with 400 (spec §2.3).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The merged parameters of one request: later sources win.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Map<String, Value>);

impl Params {
    /// Merges the query string, then a form or JSON body according to its content type.
    pub fn parse(query: &str, content_type: Option<&str>, body: &[u8]) -> Result<Self, ParamError> {
        let mut params = Map::new();
        insert_form(&mut params, query.as_bytes());
        if body.len() > MAX_BODY_BYTES {
            return Err(ParamError::new("", "The request body is larger than 1 MiB"));
        }
        let essence = content_type
            .map(|value| value.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        match essence.as_str() {
            "application/x-www-form-urlencoded" => insert_form(&mut params, body),
            "application/json" if !body.iter().all(u8::is_ascii_whitespace) => {
                match serde_json::from_slice::<Value>(body) {
                    Ok(Value::Object(object)) => params.extend(object),
                    _ => return Err(ParamError::new("", "The body is not a JSON object")),
                }
            }
            _ => {}
        }
        Ok(Self(params))
    }

    /// The `format` parameter, if it is text.
    pub fn format_name(&self) -> Option<String> {
        self.0.get("format").and_then(Value::as_str).map(str::to_string)
    }

    fn present(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|value| !value.is_null())
    }

    /// An `int` parameter: a JSON integer or a decimal string; `None` when missing.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ParamError> {
        let Some(value) = self.present(name) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => parse_decimal(text),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| ParamError::new(name, format!("Parameter {name} must be an integer")))
    }

    /// A required `int` parameter.
    pub fn required_int(&self, name: &str) -> Result<i64, ParamError> {
        self.int(name)?.ok_or_else(|| missing(name))
    }

    /// A `string` parameter: a JSON string, or a number rendered as text; `None` when missing.
    pub fn string(&self, name: &str) -> Result<Option<String>, ParamError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(_) => Err(ParamError::new(name, format!("Parameter {name} must be a string"))),
        }
    }

    /// A `bool` parameter (v4 §2): JSON `true`/`false`, an integer (0 is false), or text
    /// (`""`, `"0"` and `"false"` are false, as in PHP for query strings); `None` when missing.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ParamError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(Value::Number(number)) => Ok(Some(number.as_f64() != Some(0.0))),
            Some(Value::String(text)) => Ok(Some(!matches!(text.as_str(), "" | "0" | "false"))),
            Some(_) => Err(ParamError::new(name, format!("Parameter {name} must be a boolean"))),
        }
    }

    /// A required `string` parameter.
    pub fn required_string(&self, name: &str) -> Result<String, ParamError> {
        self.string(name)?.ok_or_else(|| missing(name))
    }
}

impl ParamError {
    /// The error of parameter `name` (empty: the body), with what is wrong.
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        Self {
            name: name.to_string(),
            message: message.into(),
        }
    }
}

fn insert_form(params: &mut Map<String, Value>, bytes: &[u8]) {
    for (key, value) in form_urlencoded::parse(bytes) {
        params.insert(key.into_owned(), Value::String(value.into_owned()));
    }
}

fn parse_decimal(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn missing(name: &str) -> ParamError {
    ParamError::new(name, format!("Missing parameter {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str, content_type: Option<&str>, body: &str) -> Result<Params, ParamError> {
        Params::parse(query, content_type, body.as_bytes())
    }

    #[test]
    fn later_sources_win() {
        let params = parse(
            "a=query&b=query",
            Some("application/x-www-form-urlencoded"),
            "b=form&c=form",
        )
        .unwrap();
        assert_eq!(params.string("a").unwrap().as_deref(), Some("query"));
        assert_eq!(params.string("b").unwrap().as_deref(), Some("form"));
        let params = parse("a=query", Some("application/json; charset=utf-8"), r#"{"a":"json"}"#).unwrap();
        assert_eq!(params.string("a").unwrap().as_deref(), Some("json"));
    }

    #[test]
    fn ints_accept_numbers_and_decimal_strings_only() {
        let params = parse(
            "s=3&neg=-2&bad=3a&empty=",
            Some("application/json"),
            r#"{"n":2,"f":1.5,"b":true}"#,
        )
        .unwrap();
        assert_eq!(params.int("s").unwrap(), Some(3));
        assert_eq!(params.int("neg").unwrap(), Some(-2));
        assert_eq!(params.int("n").unwrap(), Some(2));
        for name in ["bad", "empty", "f", "b"] {
            assert!(matches!(params.int(name), Err(ParamError { .. })), "{name}");
        }
        assert_eq!(params.int("missing").unwrap(), None);
        assert!(matches!(params.required_int("missing"), Err(ParamError { .. })));
    }

    #[test]
    fn strings_accept_strings_and_numbers_and_null_is_missing() {
        let params = parse(
            "",
            Some("application/json"),
            r#"{"s":"x","n":12,"o":{},"a":[],"z":null}"#,
        )
        .unwrap();
        assert_eq!(params.string("s").unwrap().as_deref(), Some("x"));
        assert_eq!(params.string("n").unwrap().as_deref(), Some("12"));
        assert!(params.string("o").is_err());
        assert!(params.string("a").is_err());
        assert_eq!(params.string("z").unwrap(), None);
        assert!(params.required_string("z").is_err());
    }

    #[test]
    fn unparsable_or_oversized_bodies_are_400() {
        assert!(parse("", Some("application/json"), "{not json").is_err());
        assert!(parse("", Some("application/json"), "[1,2]").is_err());
        let big = "a".repeat(MAX_BODY_BYTES + 1);
        assert!(parse("", Some("text/plain"), &big).is_err());
    }

    #[test]
    fn empty_json_body_and_unknown_content_types_are_ignored() {
        assert_eq!(
            parse("a=1", Some("application/json"), "")
                .unwrap()
                .string("a")
                .unwrap()
                .as_deref(),
            Some("1")
        );
        assert_eq!(parse("", Some("text/plain"), "a=1").unwrap().string("a").unwrap(), None);
    }

    #[test]
    fn form_values_are_percent_decoded() {
        let params = parse("roomName=Hello%20W%C3%B6rld+x", None, "").unwrap();
        assert_eq!(params.string("roomName").unwrap().as_deref(), Some("Hello Wörld x"));
    }
}
