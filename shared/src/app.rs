//! The application state a function builds once per cold start, and the steps every handler
//! shares: authentication in the order of checks (spec §4), rendering and the request log line.

use std::future::Future;

use lambda_http::Body;
use lambda_http::http::Response;

use crate::domain::moderation::{self, Edit, Need};
use crate::domain::secrets::secret_hash;
use crate::domain::{NotificationLevel, Participant, RoomAggregate, RoomToken, User, UserId};
use crate::ocs::{ApiError, Reply};
use crate::request::{ApiRequest, Params};
use crate::store::Store;

/// Default table name when `TABLE_NAME` is not set.
pub const DEFAULT_TABLE_NAME: &str = "talk";

/// Who is calling, once credentials are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    User(User),
    /// No (valid) user credentials, with the session cookie of the room: the hash of its
    /// secret. A guest participant if a row has that key.
    Guest(String),
    /// No (valid) user credentials and no session cookie (spec §2.2).
    Anonymous,
}

/// The cookie that carries a guest's session secret for one room (spec §7.5).
pub fn guest_cookie_name(token: &RoomToken) -> String {
    format!("talk_guest_{token}")
}

/// Which callers an endpoint accepts (spec §4 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callers {
    /// Users only: anyone else gets 401.
    UsersOnly,
    /// Users and guests: wrong or missing credentials make an anonymous caller.
    GuestsToo,
}

/// A participant's own settings to change; `None` leaves one as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Preferences {
    pub favorite: Option<bool>,
    pub level: Option<NotificationLevel>,
}

/// Everything a handler needs; built once in `main` and shared by reference.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    /// Whether guest cookies carry `Secure` (always, except on the local HTTP server).
    pub secure_cookies: bool,
}

/// The environment lacks the region or the keys, and this build has no other way to find them.
/// Its `Debug` is the message too, as `main` prints the error it returns with `Debug`.
#[derive(thiserror::Error)]
#[error(
    "AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must all be set \
     (Lambda sets them); outside Lambda, build with the `sdk-default-chain` feature of `talk` to use \
     the SDK's default configuration"
)]
pub struct NoAwsEnvironment;

impl std::fmt::Debug for NoAwsEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[cfg(feature = "sdk-default-chain")]
async fn default_chain_store(table: String) -> Result<Store, NoAwsEnvironment> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(Store::from_sdk_config(&config, table))
}

#[cfg(not(feature = "sdk-default-chain"))]
async fn default_chain_store(_table: String) -> Result<Store, NoAwsEnvironment> {
    Err(NoAwsEnvironment)
}

impl App {
    /// An app over an existing store.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            secure_cookies: true,
        }
    }

    /// Builds the SDK client from Lambda's environment variables
    /// ([`Store::from_environment_variables`]), else (with the `sdk-default-chain` feature)
    /// from the SDK's default provider chains; `AWS_ENDPOINT_URL_DYNAMODB` points it at a local
    /// server either way. The table comes from `TABLE_NAME`.
    pub async fn from_env() -> Result<Self, NoAwsEnvironment> {
        let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| DEFAULT_TABLE_NAME.to_string());
        let store = match Store::from_environment_variables(table.clone()) {
            Some(store) => store,
            None => default_chain_store(table).await?,
        };
        Ok(Self::new(store))
    }

    /// The same app for plain-HTTP local serving: guest cookies without `Secure`.
    pub fn local(self) -> Self {
        Self {
            secure_cookies: false,
            ..self
        }
    }

    /// The `Set-Cookie` value that hands a new guest their session secret for a room.
    pub fn guest_cookie(&self, token: &RoomToken, secret: &str) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!(
            "{}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}",
            guest_cookie_name(token)
        )
    }

    /// Steps 2–3 of spec §4 for a user-only endpoint, with the endpoint's first read running
    /// concurrently with the credential check. The read's result is only returned once the
    /// credentials are verified, so nothing acts on data for an unverified caller.
    pub async fn user_and<T>(
        &self,
        request: &ApiRequest,
        first_read: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<(User, T), ApiError> {
        let credentials = request.basic_credentials().ok_or(ApiError::NotLoggedIn)?;
        let user = UserId::parse(credentials.user.as_str()).map_err(|_| ApiError::NotLoggedIn)?;
        if request.require_ocs_header().is_err() {
            self.store
                .authenticate(&user, &credentials.secret)
                .await?
                .ok_or(ApiError::NotLoggedIn)?;
            return Err(ApiError::CsrfCheckFailed);
        }
        let (account, data) = tokio::join!(self.store.authenticate(&user, &credentials.secret), first_read);
        let account = account?.ok_or(ApiError::NotLoggedIn)?;
        request.note_caller("user");
        Ok((account, data?))
    }

    /// Steps 2–3 of spec §4 for an endpoint guests may call: wrong or missing credentials make
    /// the caller anonymous (spec §2.2). The first read runs concurrently.
    pub async fn caller_and<T>(
        &self,
        request: &ApiRequest,
        first_read: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<(Caller, T), ApiError> {
        request.require_ocs_header()?;
        let claimed = request
            .basic_credentials()
            .and_then(|credentials| Some((UserId::parse(credentials.user.as_str()).ok()?, credentials.secret)));
        let Some((user, secret)) = claimed else {
            return Ok((Caller::Anonymous, first_read.await?));
        };
        let (account, data) = tokio::join!(self.store.authenticate(&user, &secret), first_read);
        let caller = account?.map_or(Caller::Anonymous, Caller::User);
        Ok((caller, data?))
    }

    /// A change to a room by a participant (spec §6.4–6.8): the room is read concurrently with
    /// authentication, then `decide` turns the parameters and the room into an edit after the
    /// 404 and 403 checks, and the edit is committed with its message. Answers `data: []`.
    pub async fn edit_room(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        callers: Callers,
        need: Need,
        decide: impl Fn(&Params, &RoomAggregate, &Participant) -> Result<Option<Edit>, ApiError>,
    ) -> Result<Reply, ApiError> {
        let (caller, room) = self.room_and_caller(request, token, callers).await?;
        moderation::edit_room(&self.store, token, &caller, room, need, |room, me| {
            decide(request.params()?, room, me)
        })
        .await?;
        Ok(Reply::done())
    }

    /// The caller (spec §4 steps 2–3) and the room, read concurrently.
    pub async fn room_and_caller(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        callers: Callers,
    ) -> Result<(Caller, Option<RoomAggregate>), ApiError> {
        let load = async { Ok(self.store.load_room(token).await?) };
        match callers {
            Callers::GuestsToo => {
                let (caller, room) = self.caller_and(request, load).await?;
                let guest_secret = request.cookie(&guest_cookie_name(token));
                let caller = match (caller, guest_secret) {
                    (Caller::Anonymous, Some(secret)) => Caller::Guest(secret_hash(secret)),
                    (caller, _) => caller,
                };
                request.note_caller(match caller {
                    Caller::User(_) => "user",
                    Caller::Guest(_) => "guest",
                    Caller::Anonymous => "anonymous",
                });
                Ok((caller, room))
            }
            Callers::UsersOnly => self
                .user_and(request, load)
                .await
                .map(|(user, room)| (Caller::User(user), room)),
        }
    }

    /// Sets the caller's own preferences in a room (spec §6.9, §6.10): user participants only;
    /// 404 before any parameter check.
    pub async fn set_preferences(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        decide: impl FnOnce(&Params) -> Result<Preferences, ApiError>,
    ) -> Result<Reply, ApiError> {
        let claimed = request.claimed_user();
        let (user, row) = self
            .user_and(request, async {
                match &claimed {
                    Some(user) => Ok(self.store.user_participant(token, user).await?),
                    None => Ok(None),
                }
            })
            .await?;
        row.ok_or(ApiError::NotFound)?;
        let preferences = decide(request.params()?)?;
        if self
            .store
            .update_preferences(token, &user.id, preferences.favorite, preferences.level)
            .await?
        {
            Ok(Reply::done())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Parses an API Gateway request for a handler.
    pub fn request(&self, request: lambda_http::Request) -> ApiRequest {
        let mut request = ApiRequest::new(request);
        request.started.1 = self.store.calls().snapshot();
        request
    }

    /// Renders a handler's result and writes the request's log line (never a secret: no
    /// headers, parameters or bodies).
    pub fn respond(&self, request: &ApiRequest, result: Result<Reply, ApiError>) -> Response<Body> {
        let response = request.respond(result);
        let (received, before) = &request.started;
        let after = self.store.calls().snapshot();
        tracing::info!(
            request_id = request.request_id.as_deref().unwrap_or("-"),
            method = %request.method,
            route = request.route.as_deref().or(request.ocs_path.as_deref()).unwrap_or("-"),
            status = response.status().as_u16(),
            caller = request.caller_kind.get().copied().unwrap_or("none"),
            dynamodb_calls = after.calls().saturating_sub(before.calls()),
            dynamodb_ms = after.busy.saturating_sub(before.busy).as_millis() as u64,
            duration_ms = received.elapsed().as_millis() as u64,
            "request"
        );
        response
    }
}
