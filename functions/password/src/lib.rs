//! The `password` endpoint group (spec §6.8).
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | PUT | /room/{token}/password | §6.8 |

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use talk::app::Callers;
use talk::domain::RoomToken;
use talk::domain::moderation::{self, Need};
use talk::{ApiError, ApiRequest, App, Reply};

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(app, &request).await;
    app.respond(&request, result)
}

async fn route(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    match request.segments()?.as_slice() {
        ["room", token, "password"] => {
            let token = RoomToken::from_path(token)?;
            match request.method {
                // The password is taken as sent: not trimmed (spec §6.8).
                Method::PUT => {
                    app.edit_room(
                        request,
                        &token,
                        Callers::GuestsToo,
                        Need::Moderator,
                        |params, room, _| moderation::set_password(room, &params.required_string("password")?),
                    )
                    .await
                }
                _ => Err(ApiError::MethodNotAllowed),
            }
        }
        _ => Err(ApiError::InvalidQuery),
    }
}
