"""The only place that speaks SQL: open and migrate the database, sync pledge files into it, record history, query it,
the reminder outbox and service state, and the per-day status cache (which hands out rows, never table names).
"""
