//! Which envelope (v1 or v2) and which format (JSON or XML) a reply is rendered in (spec §3.2, §3.5).

/// The body format of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Reads a `format` parameter value: `json` or `xml`, anything else decides nothing.
    pub fn from_param(value: &str) -> Option<Self> {
        match value {
            "json" => Some(Self::Json),
            "xml" => Some(Self::Xml),
            _ => None,
        }
    }

    /// Reads an `Accept` header: the first listed type that is `json` or `xml` once its
    /// parameters and an `application/` prefix are dropped (spec §3.2).
    pub fn from_accept(accept: &str) -> Option<Self> {
        accept.split(',').find_map(|part| {
            let media = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let media = media.strip_prefix("application/").unwrap_or(&media);
            Self::from_param(media)
        })
    }

    /// The format of a reply: the `format` parameter, else the `Accept` header, else XML.
    pub fn negotiate(format_param: Option<&str>, accept: Option<&str>) -> Self {
        format_param
            .and_then(Self::from_param)
            .or_else(|| accept.and_then(Self::from_accept))
            .unwrap_or(Self::Xml)
    }
}

/// The OCS API version of the path (`/ocs/v1.php` or `/ocs/v2.php`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    V1,
    V2,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parameter_wins_over_accept() {
        assert_eq!(Format::negotiate(Some("json"), Some("application/xml")), Format::Json);
        assert_eq!(Format::negotiate(Some("xml"), Some("application/json")), Format::Xml);
    }

    #[test]
    fn accept_picks_first_json_or_xml_part() {
        assert_eq!(
            Format::from_accept("application/json, text/plain, */*"),
            Some(Format::Json)
        );
        assert_eq!(
            Format::from_accept("text/html, application/xml;q=0.9, application/json"),
            Some(Format::Xml)
        );
        assert_eq!(
            Format::from_accept("Application/JSON; charset=utf-8"),
            Some(Format::Json)
        );
        assert_eq!(Format::from_accept("json"), Some(Format::Json));
        assert_eq!(Format::from_accept("text/plain, */*"), None);
    }

    #[test]
    fn default_is_xml() {
        assert_eq!(Format::negotiate(None, None), Format::Xml);
        assert_eq!(Format::negotiate(Some("yaml"), Some("*/*")), Format::Xml);
    }
}
