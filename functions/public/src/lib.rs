//! The `public` endpoint group (spec §6.7).
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | POST | /room/{token}/public | §6.7 allow guests |
//! | DELETE | /room/{token}/public | §6.7 disallow guests |

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
        ["room", token, "public"] => {
            let token = RoomToken::from_path(token)?;
            match request.method {
                Method::POST => {
                    app.edit_room(
                        request,
                        &token,
                        Callers::UsersOnly,
                        Need::UserModerator,
                        |_, room, _| moderation::make_public(room),
                    )
                    .await
                }
                Method::DELETE => {
                    app.edit_room(
                        request,
                        &token,
                        Callers::UsersOnly,
                        Need::UserModerator,
                        |_, room, _| moderation::make_private(room),
                    )
                    .await
                }
                _ => Err(ApiError::MethodNotAllowed),
            }
        }
        _ => Err(ApiError::InvalidQuery),
    }
}
