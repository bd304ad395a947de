"""The command line: click and only click. Parse options, call one function, render, map errors to exit codes.

`main.py` holds the group and its global options; `app.py` the per-command state (workspace, clock, database),
shared options and the error-to-exit-code mapping; each other module one area of commands.
"""
