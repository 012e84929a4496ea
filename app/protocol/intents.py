"""The names of the versioned intents a device pushes (``docs/design.md#outbox``).

One name per intent and version (``noun.verb@N``): the service that queues a mutation, the
client's push (``app.sync.push``) and the central store (``central.push``) all use these
constants. A change to an intent's arguments is a new version with a new name, handled beside
the old one for as long as devices may still hold the old one in their outbox. The arguments
of each intent are a pydantic model in ``app.protocol.messages``.

Kept apart from ``app.protocol.messages`` so that services which queue mutations load no pydantic
at start-up.
"""

from __future__ import annotations

RECORD_CASE_ACTION = "case_action.record@1"
AGREE_ARRANGEMENT = "arrangement.agree@1"
CANCEL_ARRANGEMENT = "arrangement.cancel@1"
ADD_ASSESSMENT = "assessment.add@1"
RECORD_CONTACT = "contact.record@1"
RECORD_PROMISE = "payment_promise.record@1"
RECORD_FOLLOW_UP = "follow_up.record@1"
RECORD_REFERRAL = "referral.record@1"

__all__ = [
    "ADD_ASSESSMENT",
    "AGREE_ARRANGEMENT",
    "CANCEL_ARRANGEMENT",
    "RECORD_CASE_ACTION",
    "RECORD_CONTACT",
    "RECORD_FOLLOW_UP",
    "RECORD_PROMISE",
    "RECORD_REFERRAL",
]
