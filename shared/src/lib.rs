//! The library every Talk function shares: the OCS envelope ([`ocs`]), request parsing and
//! authentication ([`request`]), the rules of the spec ([`domain`]), the DynamoDB single-table
//! store ([`store`]) and the room object ([`view`]). Functions declare their routes
//! ([`routing`]) and call the use cases through [`App`].

pub mod app;
pub mod capabilities;
pub mod domain;
pub mod lambda;
pub mod logging;
pub mod model;
pub mod ocs;
pub mod request;
pub mod routing;
pub mod store;
pub mod view;

pub use app::{App, Failure};
pub use ocs::{ApiError, Reply};
pub use request::ApiRequest;
