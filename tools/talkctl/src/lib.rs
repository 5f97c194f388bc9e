//! talkctl: the operator's tool. Table and directory administration against any DynamoDB
//! endpoint ([`admin`]), and the local API server that serves the routes `template.yaml`
//! declares by calling the functions in-process ([`serve`], [`template`]).

pub mod admin;
pub mod functions;
pub mod local;
pub mod serve;
pub mod template;
