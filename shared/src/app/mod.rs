//! The application state a function builds once per cold start, and the steps every handler
//! shares: authentication in the order of checks (spec §4), the room change path, rendering and
//! the request log line.

mod failure;

pub use failure::Failure;

use std::future::Future;

use lambda_http::Body;
use lambda_http::http::{HeaderValue, Response};
use serde_json::Value;

use crate::domain::access::{Caller, Need};
use crate::domain::commit::{Committed, Edit, change_room};
use crate::domain::secrets::secret_hash;
use crate::domain::{
    ApiVersion, DomainError, Message, NO_SESSION, NotificationLevel, Participant, RoomAggregate, RoomToken, User,
    UserId, now,
};
use crate::ocs::{ApiError, Reply};
use crate::request::{ApiRequest, ParamError};
use crate::store::Store;
use crate::view::room_object_v4;

/// The table `talkctl` uses when `TABLE_NAME` is not set (Lambda functions require it).
pub const DEFAULT_TABLE_NAME: &str = "talk";

/// A request carrying a session refreshes it when its last refresh is this old: at most one
/// write per session per 30 s (v4 spec §13.5).
pub const SESSION_REFRESH_SECONDS: i64 = 30;

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

/// A committed change, for its answer (v4 §3): `[]` through v1; through v4 a setter's answer
/// is the caller's room object after the change, a removal's `null`.
#[derive(Debug)]
pub struct Changed {
    /// The room after the change; `None` when it was deleted.
    pub room: Option<RoomAggregate>,
    /// The message the change posted, if any.
    pub posted: Option<Message>,
    /// Existing messages the change rewrote.
    pub rewritten: Vec<Message>,
    pub caller: Caller,
    pub version: Option<ApiVersion>,
}

impl Changed {
    /// What `caller`'s committed change to a room left, for the answer to `request`.
    pub fn new(committed: Committed, caller: Caller, request: &ApiRequest) -> Self {
        Self {
            room: committed.room,
            posted: committed.posted,
            rewritten: committed.rewritten,
            caller,
            version: request.api_version(),
        }
    }

    /// A setter's answer: `[]` (v1), or the caller's room object (v4; `null` when the caller
    /// is no longer in the room).
    pub fn room_object(self) -> Reply {
        match self.version {
            Some(ApiVersion::V4) => {
                let object = self.room.as_ref().and_then(|room| {
                    let me = room.participant_of(&self.caller)?;
                    Some(room_object_v4(room, Some(me)))
                });
                Reply::ok(object.unwrap_or(Value::Null))
            }
            _ => Reply::done(),
        }
    }

    /// A removal's answer: `[]` (v1), or `null` (v4).
    pub fn null(self) -> Reply {
        null_in_v4(self.version)
    }
}

/// The answer of a change that returns nothing: `[]` through v1, `null` through v4 (v4 §3).
pub fn null_in_v4(version: Option<ApiVersion>) -> Reply {
    match version {
        Some(ApiVersion::V4) => Reply::ok(Value::Null),
        _ => Reply::done(),
    }
}

/// Everything a handler needs; built once in `main` and shared by reference.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    /// Whether guest cookies carry `Secure` (always, except on the local HTTP server).
    pub secure_cookies: bool,
}

/// Why a function cannot start: its environment lacks what it needs. Its `Debug` is the
/// message too, as `main` prints the error it returns with `Debug`.
#[derive(thiserror::Error)]
pub enum StartupError {
    /// The region or the keys are missing, and this build has no other way to find them.
    #[error(
        "AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must all be set \
         (Lambda sets them); outside Lambda, build with the `sdk-default-chain` feature of `talk` to use \
         the SDK's default configuration"
    )]
    NoAwsEnvironment,
    /// `TABLE_NAME` is missing: a function must not guess which table to use.
    #[error("TABLE_NAME must be set to the name of the table (template.yaml sets it for every function)")]
    NoTableName,
}

impl std::fmt::Debug for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The table a Lambda function uses: `TABLE_NAME`, which must be set and not empty.
pub fn lambda_table_name(value: Option<String>) -> Result<String, StartupError> {
    value.filter(|name| !name.is_empty()).ok_or(StartupError::NoTableName)
}

#[cfg(feature = "sdk-default-chain")]
async fn default_chain_store(table: String) -> Result<Store, StartupError> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(Store::from_sdk_config(&config, table))
}

#[cfg(not(feature = "sdk-default-chain"))]
async fn default_chain_store(_table: String) -> Result<Store, StartupError> {
    Err(StartupError::NoAwsEnvironment)
}

impl App {
    /// An app over an existing store.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            secure_cookies: true,
        }
    }

    /// The app of a Lambda function: the table named by `TABLE_NAME` (required), the client
    /// as [`App::from_env`] builds it.
    pub async fn for_lambda() -> Result<Self, StartupError> {
        Self::from_env(lambda_table_name(std::env::var("TABLE_NAME").ok())?).await
    }

    /// Builds the SDK client from Lambda's environment variables
    /// ([`Store::from_environment_variables`]), else (with the `sdk-default-chain` feature)
    /// from the SDK's default provider chains; `AWS_ENDPOINT_URL_DYNAMODB` points it at a local
    /// server either way.
    pub async fn from_env(table: String) -> Result<Self, StartupError> {
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
    pub fn guest_cookie(&self, token: &RoomToken, secret: &str) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let cookie = format!(
            "{}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}",
            guest_cookie_name(token)
        );
        HeaderValue::from_str(&cookie).expect("a token and an alphanumeric secret make a valid header")
    }

    /// Steps 2–3 of spec §4 for a user-only endpoint, with the endpoint's first read running
    /// concurrently with the credential check. The read's result is only returned once the
    /// credentials are verified, so nothing acts on data for an unverified caller.
    pub async fn user_and<T>(
        &self,
        request: &ApiRequest,
        first_read: impl Future<Output = Result<T, Failure>>,
    ) -> Result<(User, T), Failure> {
        let credentials = request.basic_credentials().ok_or(ApiError::NotLoggedIn)?;
        let user = UserId::parse(credentials.user.as_str()).map_err(|_| ApiError::NotLoggedIn)?;
        if request.require_ocs_header().is_err() {
            self.store
                .authenticate(&user, &credentials.secret)
                .await?
                .ok_or(ApiError::NotLoggedIn)?;
            return Err(ApiError::CsrfCheckFailed.into());
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
        first_read: impl Future<Output = Result<T, Failure>>,
    ) -> Result<(Caller, T), Failure> {
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

    /// A change to a room by a participant (spec §6.4–6.8, §7): the room is read concurrently
    /// with authentication, then [`change_room`] authorises the caller (404, 403), refuses a
    /// command whose parameters did not parse (400), and commits what `decide` makes of the
    /// room and the command. The [`Changed`] result makes the answer.
    pub async fn change_room<C>(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        callers: Callers,
        need: Need,
        command: Result<C, ParamError>,
        decide: impl Fn(&RoomAggregate, &Participant, &C) -> Result<Option<Edit>, DomainError>,
    ) -> Result<Changed, Failure> {
        let (caller, room) = self.room_and_caller(request, token, callers).await?;
        let command = command.map_err(DomainError::from);
        let committed = change_room(&self.store, token, &caller, room, need, command, decide).await?;
        Ok(Changed::new(committed, caller, request))
    }

    /// The caller (spec §4 steps 2–3) and the room, read concurrently.
    pub async fn room_and_caller(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        callers: Callers,
    ) -> Result<(Caller, Option<RoomAggregate>), Failure> {
        let load = async { Ok(self.store.load_room(token).await?) };
        match callers {
            Callers::GuestsToo => {
                let (caller, room) = self.caller_and(request, load).await?;
                let guest_secret = request.cookie(&guest_cookie_name(token));
                let caller = match (caller, guest_secret) {
                    (Caller::Anonymous, Some(secret)) => Caller::Guest(secret_hash(secret)),
                    (caller, _) => caller,
                };
                request.note_caller(caller.kind());
                let room = self.keep_up(&caller, room).await;
                Ok((caller, room))
            }
            Callers::UsersOnly => {
                let (user, room) = self.user_and(request, load).await?;
                let caller = Caller::User(user);
                let room = self.keep_up(&caller, room).await;
                Ok((caller, room))
            }
        }
    }

    /// What a request on a room does besides its own work (v4 spec §13.5), in one write round
    /// at most: it refreshes the caller's session when the last refresh is
    /// [`SESSION_REFRESH_SECONDS`] old, and removes the room's stale rows (ended sessions,
    /// guests of a room that is not public). Neither decides the answer, so a failure is only
    /// logged: the next request tries again. The room comes back without the stale rows it
    /// removed, so that the request's own change does not delete them again.
    async fn keep_up(&self, caller: &Caller, room: Option<RoomAggregate>) -> Option<RoomAggregate> {
        let mut room = room?;
        let now = now();
        let token = &room.room.token;
        let refresh = async {
            match room.participant_of(caller) {
                Some(me) if me.session_id != NO_SESSION && now - me.last_ping >= SESSION_REFRESH_SECONDS => {
                    self.store.refresh_session(token, me, now).await.map(drop)
                }
                _ => Ok(()),
            }
        };
        let clean = async {
            if room.stale.is_empty() {
                Ok(false)
            } else {
                self.store.remove_stale(&room).await
            }
        };
        let (refreshed, cleaned) = tokio::join!(refresh, clean);
        let removed = match refreshed.and(cleaned) {
            Ok(removed) => removed,
            Err(error) => {
                tracing::warn!(%error, %token, "session refresh or stale row removal failed");
                false
            }
        };
        if removed {
            room.stale.clear();
        }
        Some(room)
    }

    /// Sets the caller's own preferences in a room (spec §6.9, §6.10; v4 §6.10, §6.11): user
    /// participants only; 404 before any parameter check. Through v4 the answer is the room
    /// object, made from the room item (read with the row) and the updated row: no
    /// participant list is needed.
    pub async fn set_preferences(
        &self,
        request: &ApiRequest,
        token: &RoomToken,
        preferences: Result<Preferences, Failure>,
    ) -> Result<Reply, Failure> {
        let claimed = request.claimed_user();
        let v4 = request.api_version() == Some(ApiVersion::V4);
        let (user, (row, room)) = self
            .user_and(request, async {
                let Some(user) = &claimed else {
                    return Ok((None, None));
                };
                let room = async {
                    if v4 {
                        self.store.room_item(token).await
                    } else {
                        Ok(None)
                    }
                };
                Ok(tokio::try_join!(self.store.user_participant(token, user), room)?)
            })
            .await?;
        row.ok_or(DomainError::NotFound)?;
        let preferences = preferences?;
        let row = self
            .store
            .update_preferences(token, &user.id, preferences.favorite, preferences.level, now())
            .await?
            .ok_or(DomainError::NotFound)?;
        match (v4, room) {
            (true, Some(room)) => {
                let room = RoomAggregate::new(room, vec![row]);
                Ok(Reply::ok(room_object_v4(&room, room.participants.first())))
            }
            (true, None) => Err(DomainError::NotFound.into()),
            (false, _) => Ok(Reply::done()),
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
    pub fn respond(&self, request: &ApiRequest, result: Result<Reply, Failure>) -> Response<Body> {
        let response = request.respond(result.map_err(Failure::into_api_error));
        let (received, before) = &request.started;
        let after = self.store.calls().snapshot();
        tracing::info!(
            request_id = request.request_id.as_deref().unwrap_or("-"),
            method = %request.method,
            route = request.route.get().copied().or(request.ocs_path.as_deref()).unwrap_or("-"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lambda_needs_a_table_name() {
        assert_eq!(
            lambda_table_name(Some("talk-prod".into())).ok(),
            Some("talk-prod".into())
        );
        for missing in [None, Some(String::new())] {
            assert!(matches!(lambda_table_name(missing), Err(StartupError::NoTableName)));
        }
        assert!(format!("{:?}", StartupError::NoTableName).contains("TABLE_NAME"));
    }
}
