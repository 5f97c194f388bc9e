//! The `notify` endpoint group (spec §6.10).
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | POST | /room/{token}/notify | §6.10 |

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use talk::app::Preferences;
use talk::domain::{NotificationLevel, RoomToken};
use talk::{ApiError, ApiRequest, App, Reply};

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(app, &request).await;
    app.respond(&request, result)
}

async fn route(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    match request.segments()?.as_slice() {
        ["room", token, "notify"] => {
            let token = RoomToken::from_path(token)?;
            match request.method {
                Method::POST => {
                    app.set_preferences(request, &token, |params| {
                        let level = match NotificationLevel::from_code(params.required_int("level")?) {
                            Some(level) if level != NotificationLevel::Default => level,
                            _ => return Err(ApiError::bad_request("level must be 1, 2 or 3")),
                        };
                        Ok(Preferences {
                            favorite: None,
                            level: Some(level),
                        })
                    })
                    .await
                }
                _ => Err(ApiError::MethodNotAllowed),
            }
        }
        _ => Err(ApiError::InvalidQuery),
    }
}
