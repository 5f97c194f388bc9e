//! The `capabilities` function: the capabilities document (spec §10), and the API Gateway
//! `$default` route, which receives every request no declared route matches: a known path
//! with another method (405), anything else "no route" (spec §1, §3.4).
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | GET | /ocs/v1.php/cloud/capabilities, /ocs/v2.php/cloud/capabilities | §10 |
//! | any | anything else | §1, §3.4 |

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use talk::capabilities::capabilities;
use talk::request::is_known_route;
use talk::{ApiError, ApiRequest, App, Reply};

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(&request);
    app.respond(&request, result)
}

fn route(request: &ApiRequest) -> Result<Reply, ApiError> {
    match (request.ocs_path.as_deref(), request.route.as_deref()) {
        (Some("/cloud/capabilities"), _) => match request.method {
            Method::GET => {
                request.require_ocs_header()?;
                Ok(Reply::ok(capabilities()))
            }
            _ => Err(ApiError::MethodNotAllowed),
        },
        (_, Some(route)) if is_known_route(route) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::InvalidQuery),
    }
}
