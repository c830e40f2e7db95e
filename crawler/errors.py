"""The one error type a person sees: raised once with an actionable message, mapped once to an exit code."""


class NewsdeskError(Exception):
    """A problem the user can fix; its message is one line naming the thing and what to do."""


class ConfigError(NewsdeskError):
    """sources.yaml or sections.yaml is invalid; the message names the file, the entry and the field."""
