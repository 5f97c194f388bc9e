//! Route declarations and dispatch. Each function declares its routes once, in a [`Function`]
//! (method, path pattern, API versions, handler); this module matches a request against them,
//! tells "no route" from 405 (spec §1, §3.4), calls the handler and renders its result. The
//! local server and the test that `template.yaml` agrees with the code read the same
//! declarations; nothing else keeps a list of routes.

use std::future::Future;
use std::pin::Pin;

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};

use crate::domain::RoomToken;
use crate::ocs::{ApiError, Reply};
use crate::request::{ApiRequest, ocs_path};
use crate::{App, Failure};

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    /// The method's name as HTTP writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// Whether a request's method is this one.
    pub fn is(self, method: &Method) -> bool {
        method.as_str() == self.as_str()
    }
}

pub use crate::model::ApiVersion;

/// Below what a route's path sits, under `/ocs/v1.php` and `/ocs/v2.php` alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `/apps/spreed/api/<version>`, for each of these versions.
    Spreed(&'static [ApiVersion]),
    /// Directly below the OCS prefix (`/cloud/capabilities`).
    Ocs,
}

/// The OCS prefixes every route is served under (spec §3.1).
pub const OCS_PREFIXES: [&str; 2] = ["/ocs/v2.php", "/ocs/v1.php"];
/// The prefix of Talk's API below the OCS prefix; the version segment follows.
const SPREED_PREFIX: &str = "/apps/spreed/api/";
/// The path segment that stands for a room token.
const TOKEN_SEGMENT: &str = "{token}";
/// The path segment that stands for a message id (chat §1: `[0-9]+`).
const MESSAGE_SEGMENT: &str = "{messageId}";

/// A route without its handler: what API Gateway and the 405 answer need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    pub verb: Verb,
    pub base: Base,
    /// The path below the base, e.g. `/room/{token}/public`; `{token}` matches a room token.
    pub path: &'static str,
}

/// What a matching path says: the API version it was called through, its room token and
/// its message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMatch {
    pub version: Option<ApiVersion>,
    pub token: Option<RoomToken>,
    pub message_id: Option<i64>,
}

impl Pattern {
    /// Whether `path` (below the OCS prefix) is this pattern's path, whatever the method. A
    /// malformed token makes any path "no route" (spec §1).
    pub fn match_path(&self, path: &str) -> Option<PathMatch> {
        let (version, rest) = match self.base {
            Base::Ocs => (None, path),
            Base::Spreed(versions) => {
                let (segment, rest) = path.strip_prefix(SPREED_PREFIX)?.split_once('/')?;
                let version = versions.iter().find(|v| v.segment() == segment)?;
                (Some(*version), &path[path.len() - rest.len() - 1..])
            }
        };
        let mut token = None;
        let mut message_id = None;
        let mut given = rest.split('/');
        for expected in self.path.split('/') {
            let segment = given.next()?;
            if expected == TOKEN_SEGMENT {
                token = Some(RoomToken::parse(segment).ok()?);
            } else if expected == MESSAGE_SEGMENT {
                message_id = Some(parse_message_id(segment)?);
            } else if expected != segment {
                return None;
            }
        }
        given.next().is_none().then_some(PathMatch {
            version,
            token,
            message_id,
        })
    }

    /// Every full path this pattern declares (`/ocs/v2.php/apps/spreed/api/v1/room`, …), as
    /// `template.yaml` spells them, each envelope and version.
    pub fn full_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for prefix in OCS_PREFIXES {
            match self.base {
                Base::Ocs => paths.push(format!("{prefix}{}", self.path)),
                Base::Spreed(versions) => paths.extend(
                    versions
                        .iter()
                        .map(|v| format!("{prefix}{SPREED_PREFIX}{}{}", v.segment(), self.path)),
                ),
            }
        }
        paths
    }

    const fn has_token(&self) -> bool {
        let (path, token) = (self.path.as_bytes(), TOKEN_SEGMENT.as_bytes());
        let mut start = 0;
        while start + token.len() <= path.len() {
            let mut i = 0;
            while i < token.len() && path[start + i] == token[i] {
                i += 1;
            }
            if i == token.len() {
                return true;
            }
            start += 1;
        }
        false
    }
}

/// A `{messageId}` segment: decimal digits only; a number too large for an id is no route.
fn parse_message_id(segment: &str) -> Option<i64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// What a handler gets besides its path parameters.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    pub app: &'a App,
    pub request: &'a ApiRequest,
    /// The API version of the path, for routes below `/apps/spreed/api/`.
    pub version: Option<ApiVersion>,
    /// The `{messageId}` of the path, for chat and reaction routes.
    pub message_id: Option<i64>,
}

/// A handler's boxed future, borrowing the call.
pub type ReplyFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply, Failure>> + Send + 'a>>;

/// A route's handler, by the path parameters it takes.
#[derive(Clone, Copy)]
pub enum Handler {
    /// A path without a token.
    Plain(for<'a> fn(Call<'a>) -> ReplyFuture<'a>),
    /// A path with a `{token}` segment: the parsed token.
    Room(for<'a> fn(Call<'a>, &'a RoomToken) -> ReplyFuture<'a>),
}

/// A declared route, made by [`Route::spreed`] or [`Route::ocs`] only.
#[derive(Clone, Copy)]
pub struct Route {
    pattern: Pattern,
    handler: Handler,
}

impl Route {
    /// A route below `/apps/spreed/api/<version>` for each of `versions`. A path with a
    /// `{token}` segment takes a [`Handler::Room`] and no other does (checked at compile time).
    pub const fn spreed(verb: Verb, versions: &'static [ApiVersion], path: &'static str, handler: Handler) -> Self {
        Self::checked(
            Pattern {
                verb,
                base: Base::Spreed(versions),
                path,
            },
            handler,
        )
    }

    /// A route directly below the OCS prefix.
    pub const fn ocs(verb: Verb, path: &'static str, handler: Handler) -> Self {
        Self::checked(
            Pattern {
                verb,
                base: Base::Ocs,
                path,
            },
            handler,
        )
    }

    /// What the route matches.
    pub const fn pattern(&self) -> &Pattern {
        &self.pattern
    }

    const fn checked(pattern: Pattern, handler: Handler) -> Self {
        let room_handler = matches!(handler, Handler::Room(_));
        assert!(
            pattern.has_token() == room_handler,
            "a path with {{token}} takes a room handler, and only such a path"
        );
        Self { pattern, handler }
    }
}

/// The patterns of `routes`, computed at compile time so that a crate that only needs the
/// patterns (the `$default` route's function) links none of the handlers.
pub const fn patterns<const N: usize>(routes: &[Route]) -> [Pattern; N] {
    assert!(routes.len() == N, "one pattern per route");
    let mut patterns = [Pattern {
        verb: Verb::Get,
        base: Base::Ocs,
        path: "",
    }; N];
    let mut i = 0;
    while i < N {
        patterns[i] = routes[i].pattern;
        i += 1;
    }
    patterns
}

/// One Lambda function: its binary name, its routes, and (for the function behind API
/// Gateway's `$default` route) the patterns of every other function, to answer 405 for a
/// known path called with another method.
#[derive(Clone, Copy)]
pub struct Function {
    pub name: &'static str,
    pub routes: &'static [Route],
    pub elsewhere: &'static [&'static [Pattern]],
}

impl Function {
    /// Whether this function serves `method` on `path` (a full path, `/ocs/v2.php/...`).
    pub fn serves(&self, method: &Method, path: &str) -> bool {
        let Some((_, below)) = ocs_path(path) else {
            return false;
        };
        self.routes
            .iter()
            .any(|route| route.pattern.verb.is(method) && route.pattern.match_path(below).is_some())
    }

    /// Answers one API Gateway request: the matching route's handler, rendered, with the
    /// request's log line.
    pub async fn handle(&self, app: &App, request: Request) -> Response<Body> {
        let request = app.request(request);
        let result = self.dispatch(app, &request).await;
        app.respond(&request, result)
    }

    async fn dispatch(&self, app: &App, request: &ApiRequest) -> Result<Reply, Failure> {
        let path = request.ocs_path.as_deref().ok_or(ApiError::InvalidQuery)?;
        let mut known_path = false;
        for route in self.routes {
            let Some(found) = route.pattern.match_path(path) else {
                continue;
            };
            if !route.pattern.verb.is(&request.method) {
                known_path = true;
                continue;
            }
            request.note_route(route.pattern.path, found.version);
            let call = Call {
                app,
                request,
                version: found.version,
                message_id: found.message_id,
            };
            return match (route.handler, found.token) {
                (Handler::Plain(handler), _) => handler(call).await,
                (Handler::Room(handler), Some(token)) => handler(call, &token).await,
                (Handler::Room(_), None) => unreachable!("Route::checked pairs room handlers with {{token}} paths"),
            };
        }
        let elsewhere = self.elsewhere.iter().flat_map(|patterns| patterns.iter());
        if known_path || elsewhere.into_iter().any(|p| p.match_path(path).is_some()) {
            Err(ApiError::MethodNotAllowed.into())
        } else {
            Err(ApiError::InvalidQuery.into())
        }
    }
}

/// Declares a function: its routes (`pub const ROUTES`), their patterns (`pub const PATTERNS`)
/// and the function itself (`pub const FUNCTION`), named by its Lambda binary. The function
/// behind API Gateway's `$default` route also names the other functions' patterns.
#[macro_export]
macro_rules! function {
    (name: $name:literal, $(elsewhere: $elsewhere:expr,)? routes: [$($route:expr),+ $(,)?] $(,)?) => {
        /// The routes this function serves.
        pub const ROUTES: &[$crate::routing::Route] = &[$($route),+];
        /// The patterns of [`ROUTES`], without the handlers.
        pub const PATTERNS: &[$crate::routing::Pattern] =
            &$crate::routing::patterns::<{ ROUTES.len() }>(ROUTES);
        #[doc = concat!("The `", $name, "` Lambda.")]
        pub const FUNCTION: $crate::routing::Function = $crate::routing::Function {
            name: $name,
            routes: ROUTES,
            elsewhere: $crate::function!(@elsewhere $($elsewhere)?),
        };
    };
    (@elsewhere) => { &[] };
    (@elsewhere $elsewhere:expr) => { $elsewhere };
}

/// A [`Handler`] from an async handler function: `on!(list_rooms)` for a path without a token,
/// `on!(room get_room)` for one with `{token}`.
#[macro_export]
macro_rules! on {
    (room $handler:path) => {
        $crate::routing::Handler::Room(|call, token| ::std::boxed::Box::pin($handler(call, token)))
    };
    ($handler:path) => {
        $crate::routing::Handler::Plain(|call| ::std::boxed::Box::pin($handler(call)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: Pattern = Pattern {
        verb: Verb::Get,
        base: Base::Spreed(&[ApiVersion::V1]),
        path: "/room/{token}/public",
    };

    #[test]
    fn spreed_paths_match_their_versions_and_tokens() {
        let found = ROOM.match_path("/apps/spreed/api/v1/room/abcdefgh/public").unwrap();
        assert_eq!(found.version, Some(ApiVersion::V1));
        assert_eq!(found.token.unwrap().as_str(), "abcdefgh");
        for path in [
            "/apps/spreed/api/v4/room/abcdefgh/public",
            "/apps/spreed/api/v1/room/NOT-A-TOKEN/public",
            "/apps/spreed/api/v1/room//public",
            "/apps/spreed/api/v1/room/abcdefgh",
            "/apps/spreed/api/v1/room/abcdefgh/public/x",
            "/apps/spreed/api/v1room/abcdefgh/public",
            "/apps/spreed/api/v1",
            "/room/abcdefgh/public",
        ] {
            assert_eq!(ROOM.match_path(path), None, "{path}");
        }
    }

    #[test]
    fn ocs_paths_match_below_the_envelope() {
        let capabilities = Pattern {
            verb: Verb::Get,
            base: Base::Ocs,
            path: "/cloud/capabilities",
        };
        assert!(capabilities.match_path("/cloud/capabilities").is_some());
        assert!(capabilities.match_path("/cloud/capabilities/x").is_none());
        assert_eq!(
            capabilities.full_paths(),
            ["/ocs/v2.php/cloud/capabilities", "/ocs/v1.php/cloud/capabilities"]
        );
    }

    #[test]
    fn full_paths_cover_each_envelope_and_version() {
        let both = Pattern {
            base: Base::Spreed(&[ApiVersion::V1, ApiVersion::V4]),
            ..ROOM
        };
        assert_eq!(
            both.full_paths(),
            [
                "/ocs/v2.php/apps/spreed/api/v1/room/{token}/public",
                "/ocs/v2.php/apps/spreed/api/v4/room/{token}/public",
                "/ocs/v1.php/apps/spreed/api/v1/room/{token}/public",
                "/ocs/v1.php/apps/spreed/api/v4/room/{token}/public",
            ]
        );
    }

    #[test]
    fn token_segments_are_found() {
        assert!(ROOM.has_token());
        assert!(!Pattern { path: "/room", ..ROOM }.has_token());
    }
}
