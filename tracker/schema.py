"""Facts about the database schema that light code paths share with the store, kept free of imports."""

# The tracker migrations in tracker/migrations.py, in order (a test keeps the two equal). A database that has
# exactly these applied is current; checking that needs one query and no sqlite-utils.
MIGRATIONS = (
    "0001_initial", "0002_indicator_method", "0003_event_date_indexes", "0004_outbox", "0005_report_runs",
    "0006_status_cache", "0007_sync_digests",
)

# An outbox entry ready to send: pending, or failed and due for its retry (`:now` is a UTC ISO instant).
SENDABLE = "(status = 'pending' OR (status = 'failed' AND next_attempt_at <= :now))"

# Whether a tick has anything to deliver: a ready entry, or one leased by a process that may have died.
READY_OR_LEASED = f"SELECT 1 FROM outbox WHERE {SENDABLE} OR status = 'sending' LIMIT 1"
