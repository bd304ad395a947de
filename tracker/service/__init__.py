"""What runs unattended: the monitoring tick, notification channels (Apprise in `notify`), the scheduled weekly
report, the daemon (APScheduler in `scheduler`), backup and doctor.
"""
