"""Errors that reach a user: each carries a message that says what to fix.

The command line prints them as one line and exits non-zero; anything else is a bug.
"""


class ZonewatchError(Exception):
    """Base class for errors meant for the person running zonewatch."""

    exit_code = 1


class ConfigError(ZonewatchError):
    """A setting or a configuration file is wrong."""

    exit_code = 2


class NotFoundError(ZonewatchError):
    """The user named something (an entity, a source, a record) that does not exist."""

    exit_code = 2


class InputError(ZonewatchError):
    """Input data (a page, a feed, a file) cannot be used."""

    exit_code = 2
