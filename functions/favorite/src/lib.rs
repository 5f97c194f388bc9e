//! The `favorite` endpoint group (spec §6.9).
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | POST | /room/{token}/favorite | §6.9 mark |
//! | DELETE | /room/{token}/favorite | §6.9 unmark |

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use talk::app::Preferences;
use talk::domain::RoomToken;
use talk::{ApiError, ApiRequest, App, Reply};

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(app, &request).await;
    app.respond(&request, result)
}

async fn route(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    match request.segments()?.as_slice() {
        ["room", token, "favorite"] => {
            let token = RoomToken::from_path(token)?;
            let favorite = match request.method {
                Method::POST => true,
                Method::DELETE => false,
                _ => return Err(ApiError::MethodNotAllowed),
            };
            app.set_preferences(request, &token, |_| {
                Ok(Preferences {
                    favorite: Some(favorite),
                    level: None,
                })
            })
            .await
        }
        _ => Err(ApiError::InvalidQuery),
    }
}
