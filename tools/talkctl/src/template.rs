//! Reads the routes of `template.yaml`: each `AWS::Serverless::Function` with its binary name
//! and its `HttpApi` events (method and path). The template is the only route table.

use std::collections::HashMap;

use serde_norway::Value;

/// One declared route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    /// Path segments; `{name}` segments match any one segment.
    pub segments: Vec<String>,
    /// The Lambda binary that serves it.
    pub binary: String,
}

/// What went wrong reading the template.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template is not valid YAML: {0}")]
    Yaml(#[from] serde_norway::Error),
    #[error("function {0} has no Metadata.BuildProperties.Binary")]
    NoBinary(String),
    #[error("route {0} of function {1} lacks Method or Path")]
    IncompleteRoute(String, String),
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |value, key| value.get(*key))?.as_str()
}

/// The `method` of the `$default` route (it has no path segments).
pub const DEFAULT_ROUTE: &str = "$default";

/// Parses the routes of a SAM template.
pub fn routes(template: &str) -> Result<Vec<Route>, TemplateError> {
    let document: Value = serde_norway::from_str(template)?;
    let mut routes = Vec::new();
    let Some(resources) = document.get("Resources").and_then(Value::as_mapping) else {
        return Ok(routes);
    };
    for (name, resource) in resources {
        let name = name.as_str().unwrap_or_default().to_string();
        if text(resource, &["Type"]) != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = text(resource, &["Metadata", "BuildProperties", "Binary"])
            .ok_or_else(|| TemplateError::NoBinary(name.clone()))?;
        let events = resource
            .get("Properties")
            .and_then(|p| p.get("Events"))
            .and_then(Value::as_mapping);
        for (event_name, event) in events.into_iter().flatten() {
            if text(event, &["Type"]) != Some("HttpApi") {
                continue;
            }
            let route = match (
                text(event, &["Properties", "Method"]),
                text(event, &["Properties", "Path"]),
            ) {
                (Some(method), Some(path)) => Route {
                    method: method.to_ascii_uppercase(),
                    segments: path.split('/').skip(1).map(str::to_string).collect(),
                    binary: binary.to_string(),
                },
                // Neither: API Gateway's `$default` route, for requests no other route matches.
                (None, None) => Route {
                    method: DEFAULT_ROUTE.to_string(),
                    segments: Vec::new(),
                    binary: binary.to_string(),
                },
                _ => {
                    let event_name = event_name.as_str().unwrap_or_default().to_string();
                    return Err(TemplateError::IncompleteRoute(event_name, name));
                }
            };
            routes.push(route);
        }
    }
    Ok(routes)
}

impl Route {
    /// Whether this is the `$default` route.
    pub fn is_default(&self) -> bool {
        self.method == DEFAULT_ROUTE
    }

    /// The path parameters if `path` matches this route's path (whatever the method).
    pub fn match_path(&self, path: &str) -> Option<HashMap<String, String>> {
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        if self.is_default() || segments.len() != self.segments.len() {
            return None;
        }
        let mut parameters = HashMap::new();
        for (pattern, segment) in self.segments.iter().zip(segments) {
            match pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) if !segment.is_empty() => {
                    parameters.insert(name.to_string(), segment.to_string());
                }
                None if pattern == segment => {}
                _ => return None,
            }
        }
        Some(parameters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  RoomsFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: rooms
    Properties:
      Environment:
        Variables:
          TABLE_NAME: !Ref Table
      Events:
        Fallback:
          Type: HttpApi
        GetRoom:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Method: get
            Path: /base/room/{token}
"#;

    #[test]
    fn reads_functions_and_routes_with_cloudformation_tags() {
        let mut routes = routes(TEMPLATE).unwrap();
        let fallback = routes.remove(0);
        assert!(fallback.is_default() && fallback.match_path("/anything").is_none());
        assert_eq!(
            routes,
            vec![Route {
                method: "GET".into(),
                segments: vec!["base".into(), "room".into(), "{token}".into()],
                binary: "rooms".into()
            }]
        );
        let parameters = routes[0].match_path("/base/room/abcd").unwrap();
        assert_eq!(parameters["token"], "abcd");
        assert!(routes[0].match_path("/base/room").is_none());
        assert!(routes[0].match_path("/base/room/abcd/x").is_none());
        assert!(routes[0].match_path("/base/other/abcd").is_none());
    }
}
