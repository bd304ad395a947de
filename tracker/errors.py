"""Errors with exit codes: the one table users and scripts rely on."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INVALID_FILES = 3
EXIT_UNKNOWN = 4
EXIT_DATABASE = 5
EXIT_DELIVERY = 6


class TrackerError(Exception):
    """An error that ends a command with a one-line message and an exit code."""

    exit_code = EXIT_ERROR


class UsageError(TrackerError):
    """A malformed option value (date, number, status...)."""

    exit_code = EXIT_USAGE


class PledgeFileError(TrackerError):
    """One or more pledge files are invalid; each problem is one `file:line: field: message` line."""

    exit_code = EXIT_INVALID_FILES

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UnknownError(TrackerError):
    """An unknown pledge, indicator, milestone or review id."""

    exit_code = EXIT_UNKNOWN


class ConflictError(TrackerError):
    """The request contradicts what is already recorded (e.g. a milestone done twice)."""

    exit_code = EXIT_ERROR


class StoreError(TrackerError):
    """The database cannot be opened, migrated or written."""

    exit_code = EXIT_DATABASE


class WorkspaceError(TrackerError):
    """No workspace was found, or it is unusable."""

    exit_code = EXIT_ERROR


class DeliveryError(TrackerError):
    """A message could not be delivered (the rest of the command's work is kept)."""

    exit_code = EXIT_DELIVERY
