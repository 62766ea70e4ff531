"""Errors a user can act on. The CLI turns each into one line and an exit status."""


class ConformanceError(Exception):
    """Base of the errors the CLI reports as one line instead of a traceback."""

    exit_code = 1


class ConfigError(ConformanceError):
    """Bad option, unreadable or malformed profile, tenants file or spec, missing credentials."""

    exit_code = 2


class TargetError(ConformanceError):
    """No verdict was possible: the target is unreachable or refuses valid credentials."""

    exit_code = 3
