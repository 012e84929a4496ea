"""Client side of the sync protocol: enrolment, pull (and later push, conflicts, attachments)."""
