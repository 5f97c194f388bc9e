//! talkctl: the operator's tool. Table and directory administration against any DynamoDB
//! endpoint ([`admin`]), the local API server that serves the routes the functions declare by
//! calling them in-process ([`serve`], [`functions`]), and the reading of `template.yaml`'s
//! routes that a test compares with those declarations ([`template`]).

pub mod admin;
pub mod fixtures;
pub mod functions;
pub mod local;
pub mod serve;
pub mod template;
