//! The OCS envelope (spec §3): what a successful reply or an error looks like on the wire, in
//! JSON or XML, for `/ocs/v2.php` and `/ocs/v1.php`. Knows nothing about rooms.

mod error;
mod format;
mod render;
mod xml;

pub use error::ApiError;
pub use format::{Envelope, Format};
pub use render::{Reply, render_error, render_reply};
pub use xml::to_xml_document;
