"""Drives nc-py-api (PyPI `nc-py-api`, unmodified) against a running local API, as v4 §12
and chat §10 list its calls: creates group and public conversations, lists them (also with
`modified_since`), reads one by token, renames, sets the description, favorite, notification
level, read-only, public and password, lists participants, chats (sends, replies, receives
history and the future, reacts, deletes), leaves and deletes.

Usage: nc_py_api_talk.py URL USER PASSWORD OTHER_USER OTHER_PASSWORD GROUP
Exits non-zero with a traceback on the first failed expectation; prints "ok" when all hold.
"""

import inspect
import sys

from nc_py_api import Nextcloud, NextcloudException
from nc_py_api.talk import Conversation, ConversationType, NotificationLevel, Participant, TalkMessage


def read_every_property(value):
    """Reads every property of a Conversation or Participant, as nc-py-api's own tests do:
    a key the server left out raises KeyError here."""
    for name, member in inspect.getmembers(type(value)):
        if isinstance(member, property):
            getattr(value, name)


def main(url, user, password, other, other_password, group):
    nc = Nextcloud(nextcloud_url=url, nc_auth_user=user, nc_auth_pass=password)
    assert nc.talk.available, "capabilities carry spreed"
    assert nc.srv_version["major"] > 0

    group_room = nc.talk.create_conversation(ConversationType.GROUP, invite=group, room_name="Group talk")
    assert isinstance(group_room, Conversation)
    assert group_room.conversation_type == ConversationType.GROUP
    assert group_room.display_name == "Group talk"
    read_every_property(group_room)
    last = group_room.last_message
    assert last is not None and last.is_replyable is False
    assert isinstance(last.message_parameters, dict)

    public_room = nc.talk.create_conversation(ConversationType.PUBLIC, room_name="Open talk")
    assert public_room.conversation_type == ConversationType.PUBLIC

    listed = nc.talk.get_user_conversations()
    tokens = {c.token for c in listed}
    assert {group_room.token, public_room.token} <= tokens, tokens
    for conversation in listed:
        read_every_property(conversation)
    assert nc.talk.get_user_conversations(modified_since=nc.talk.modified_since + 2) == []
    assert nc.talk.get_user_conversations(modified_since=9992708529) == []

    fetched = nc.talk.get_conversation_by_token(group_room.token)
    assert fetched.token == group_room.token and fetched.name == "Group talk"

    nc.talk.rename_conversation(group_room, "Renamed talk")
    nc.talk.set_conversation_description(group_room, "What we talk about")
    nc.talk.set_conversation_fav(group_room, True)
    nc.talk.set_conversation_notify_lvl(group_room, NotificationLevel.ALWAYS_NOTIFY)
    nc.talk.set_conversation_readonly(group_room, True)
    changed = nc.talk.get_conversation_by_token(group_room)
    assert changed.display_name == "Renamed talk", changed.display_name
    assert changed.description == "What we talk about"
    assert changed.is_favorite is True
    assert changed.notification_level == NotificationLevel.ALWAYS_NOTIFY
    assert changed.read_only is True
    # Only the favorite and the level are the user's own changes: modified_since sees them.
    nc.talk.set_conversation_readonly(group_room, False)
    nc.talk.set_conversation_fav(group_room, False)
    assert nc.talk.get_conversation_by_token(group_room).is_favorite is False

    nc.talk.set_conversation_public(group_room, True)
    nc.talk.set_conversation_password(group_room, "a room password")
    now_public = nc.talk.get_conversation_by_token(group_room)
    assert now_public.conversation_type == ConversationType.PUBLIC
    assert now_public.has_password is True
    nc.talk.set_conversation_password(group_room, "")
    nc.talk.set_conversation_public(group_room, False)
    assert nc.talk.get_conversation_by_token(group_room).conversation_type == ConversationType.GROUP
    try:
        nc.talk.set_conversation_password(group_room, "private rooms have none")
        raise AssertionError("a password on a group conversation was accepted")
    except NextcloudException as refused:
        assert refused.status_code == 400, refused.status_code

    participants = nc.talk.list_participants(group_room)
    assert all(isinstance(p, Participant) for p in participants)
    for participant in participants:
        read_every_property(participant)
    by_actor = {(p.actor_type, p.actor_id): p for p in participants}
    assert ("users", user) in by_actor and ("users", other) in by_actor, by_actor.keys()
    assert ("groups", group) in by_actor, by_actor.keys()
    assert len({p.attendee_id for p in participants}) == len(participants)

    # Chat: send (also a reply), history, the future, reactions, delete.
    first = nc.talk.send_message(f"Hello @{other}", group_room)
    assert isinstance(first, TalkMessage) and first.message_type == "comment"
    read_every_property(first)
    reply = nc.talk.send_message("A reply", group_room, reply_to_message=first)
    assert reply.message == "A reply"
    history = nc.talk.receive_messages(group_room)
    assert [m.message for m in history[:2]] == ["A reply", "Hello {mention-user1}"], [m.message for m in history]
    for message in history:
        read_every_property(message)
    future = nc.talk.receive_messages(group_room, look_in_future=True, timeout=1)
    assert future[0].system_message == "conversation_created"
    reactions = nc.talk.react_to_message(first, "❤️")
    assert list(reactions) == ["❤️"] and reactions["❤️"][0].actor_id == user
    assert reactions["❤️"][0].actor_display_name
    assert nc.talk.get_message_reactions(first).keys() == reactions.keys()
    nc.talk.react_to_message(first, "☝️️")
    assert nc.talk.delete_reaction(first, "❤️")
    assert nc.talk.delete_reaction(first, "☝️️") == {}
    assert nc.talk.get_message_reactions(first) == {}
    deleted = nc.talk.delete_message(reply)
    assert deleted.system_message == "message_deleted"
    other_view = Nextcloud(nextcloud_url=url, nc_auth_user=other, nc_auth_pass=other_password)
    mentioned = other_view.talk.get_conversation_by_token(group_room)
    assert mentioned.unread_mention is True and mentioned.unread_messages_count == 1

    other_nc = Nextcloud(nextcloud_url=url, nc_auth_user=other, nc_auth_pass=other_password)
    other_nc.talk.leave_conversation(group_room)
    assert group_room.token not in {c.token for c in other_nc.talk.get_user_conversations()}

    # One-to-one through v4: only the creator is a participant until the other joins.
    direct = nc.talk.create_conversation(ConversationType.ONE_TO_ONE, invite=other)
    assert direct.name == other
    assert [p.actor_id for p in nc.talk.list_participants(direct)] == [user]
    joined = other_nc.talk.create_conversation(ConversationType.ONE_TO_ONE, invite=user)
    assert joined.token == direct.token

    nc.talk.delete_conversation(group_room)
    nc.talk.delete_conversation(public_room)
    remaining = {c.token for c in nc.talk.get_user_conversations()}
    assert group_room.token not in remaining and public_room.token not in remaining
    try:
        nc.talk.get_conversation_by_token(group_room.token)
        raise AssertionError("a deleted conversation was found")
    except NextcloudException as gone:
        assert gone.status_code == 404, gone.status_code
    print("ok")


if __name__ == "__main__":
    main(*sys.argv[1:7])
