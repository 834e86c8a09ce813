"""The playground's one error: a request it refuses, with a message meant for the learner."""

from ..errors import TinygraphError

__all__ = ["PlayError", "SiteError"]


class PlayError(TinygraphError, ValueError):
    """A request the playground refuses: the message says what was wrong and what to do."""


class SiteError(TinygraphError, RuntimeError):
    """``tinygraph site`` could not get what the site needs (a pinned npm package): the message says how."""
