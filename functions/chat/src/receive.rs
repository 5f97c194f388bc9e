//! Receiving messages (chat §4.1): history and the future, with long polling, and a message's
//! context (§4.6).

use std::time::{Duration, Instant};

use serde_json::Value;
use talk::app::Callers;
use talk::domain::access::{self, Need};
use talk::domain::chat;
use talk::domain::{Message, Participant, RoomAggregate, RoomToken};
use talk::request::Params;
use talk::routing::Call;
use talk::store::Direction;
use talk::view::Parent;
use talk::{App, Failure, Reply};

use crate::{last_given, shown};

/// The longest wait of a long poll (v4 §13.8): API Gateway ends a request after 30 s.
pub const MAX_WAIT_SECONDS: i64 = 25;
/// Messages a page has when the client asks for none, or for a number out of range.
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 200;
/// How often an idle long poll looks for news (chat §4.1: once a second).
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The parameters of `GET /chat/{token}` (chat §4.1).
struct Receive {
    future: bool,
    limit: i64,
    last_known: i64,
    timeout: i64,
    set_read_marker: bool,
    include_last_known: bool,
}

impl Receive {
    fn parse(params: &Params) -> Result<Self, talk::request::ParamError> {
        let limit = params.int("limit")?.unwrap_or(DEFAULT_LIMIT);
        Ok(Self {
            future: params.required_int("lookIntoFuture")? != 0,
            limit: if limit <= 0 {
                DEFAULT_LIMIT
            } else {
                limit.min(MAX_LIMIT)
            },
            last_known: params.int("lastKnownMessageId")?.unwrap_or(0).max(0),
            timeout: params.int("timeout")?.unwrap_or(30).clamp(0, MAX_WAIT_SECONDS),
            set_read_marker: params.int("setReadMarker")?.unwrap_or(1) == 1,
            include_last_known: params.int("includeLastKnown")?.unwrap_or(0) == 1,
        })
    }

    /// One page as asked: the future from `last_known` (including it, to learn its chat
    /// message count for the read marker), or the history before it.
    async fn fetch(&self, app: &App, token: &RoomToken) -> Result<Vec<Message>, Failure> {
        let from = (self.last_known > 0).then_some(self.last_known);
        let page = if self.future {
            app.store
                .message_page(token, from, true, Direction::Newer, self.limit as i32 + 1)
                .await?
        } else {
            app.store
                .message_page(
                    token,
                    from,
                    self.include_last_known,
                    Direction::Older,
                    self.limit as i32,
                )
                .await?
        };
        Ok(page)
    }

    /// The page without the known message (unless asked for) and within the limit; the
    /// known message itself, if it was read.
    fn split(&self, page: Vec<Message>) -> (Vec<Message>, Option<Message>) {
        if !self.future {
            return (page, None);
        }
        let (known, mut newer): (Vec<Message>, Vec<Message>) = page
            .into_iter()
            .partition(|m| m.id == self.last_known && self.last_known > 0);
        let known = known.into_iter().next();
        if self.include_last_known
            && let Some(known) = &known
        {
            newer.insert(0, known.clone());
        }
        newer.truncate(self.limit as usize);
        (newer, known)
    }
}

/// chat §4.1: history or the future; the future waits (at most [`MAX_WAIT_SECONDS`]) for a
/// message, looking once a second at the room's newest id.
pub async fn receive(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let receive = request.params().and_then(Receive::parse);
    let first = async {
        match &receive {
            Ok(receive) => receive.fetch(app, token).await.map(Some),
            Err(_) => Ok(None),
        }
    };
    let (loaded, page) = tokio::join!(app.room_and_caller(request, token, Callers::GuestsToo), first);
    let (caller, room) = loaded?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::may_read(room, me)?;
    let receive = receive?;
    let (mut messages, known) = receive.split(page?.unwrap_or_default());
    if receive.future && receive.set_read_marker && receive.last_known > me.last_read_message {
        let mut row = me.clone();
        row.read_up_to(
            receive.last_known,
            known.as_ref().map_or(me.read_comments, |m| m.comment_seq),
        );
        row.last_attendee_activity = me.last_attendee_activity;
        app.store.set_read_marker(token, &row, true).await?;
    }
    if receive.future && messages.is_empty() && receive.timeout > 0 {
        let deadline = Instant::now() + Duration::from_secs(receive.timeout as u64);
        while Instant::now() + POLL_INTERVAL <= deadline {
            tokio::time::sleep(POLL_INTERVAL).await;
            match app.store.newest_message_id(token).await? {
                Some(newest) if newest > receive.last_known => {
                    messages = receive.split(receive.fetch(app, token).await?).0;
                    if !messages.is_empty() {
                        break;
                    }
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    answer(app, token, room, me, messages).await
}

/// chat §4.1: 304 for no message; else the messages as `me` sees them, with their parents
/// (read in one batch when not on the page) and `X-Chat-Last-Given`.
async fn answer(
    app: &App,
    token: &RoomToken,
    room: &RoomAggregate,
    me: &Participant,
    messages: Vec<Message>,
) -> Result<Reply, Failure> {
    let Some(last) = messages.last().map(|m| m.id) else {
        return Ok(Reply::not_modified());
    };
    let missing: Vec<i64> = messages
        .iter()
        .filter_map(|m| m.parent)
        .filter(|id| !messages.iter().any(|m| m.id == *id))
        .collect();
    let parents = app.store.messages_by_id(token, &missing).await?;
    let objects: Vec<Value> = messages
        .iter()
        .map(|message| {
            let parent = message.parent.map(|id| {
                messages
                    .iter()
                    .chain(&parents)
                    .find(|m| m.id == id)
                    .map_or(Parent::Missing(id), Parent::Found)
            });
            shown(room, me, message, parent)
        })
        .collect();
    let (name, value) = last_given(last);
    Ok(Reply::ok(Value::Array(objects)).with_header(name, value))
}

/// chat §4.6: up to `limit` (1–100, default 50) messages up to and including `messageId`,
/// oldest first, then up to `limit` newer ones.
pub async fn context(
    Call {
        app,
        request,
        message_id,
        ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let id = message_id.unwrap_or(0);
    let limit = request
        .params()
        .and_then(|p| p.int("limit"))
        .map(|limit| limit.unwrap_or(50).clamp(1, 100) as i32);
    let pages = async {
        let Ok(limit) = limit else {
            return Ok((Vec::new(), Vec::new()));
        };
        tokio::try_join!(
            app.store.message_page(token, Some(id), true, Direction::Older, limit),
            app.store.message_page(token, Some(id), false, Direction::Newer, limit)
        )
    };
    let (loaded, pages) = tokio::join!(app.room_and_caller(request, token, Callers::GuestsToo), pages);
    let (caller, room) = loaded?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::may_read(room, me)?;
    limit?;
    let (mut older, newer) = pages?;
    older.reverse();
    older.extend(newer);
    answer(app, token, room, me, older).await
}
