"""The playground's one error: a request it refuses, with a message meant for the learner."""

from ..errors import TinygraphError

__all__ = ["PlayError"]


class PlayError(TinygraphError, ValueError):
    """A request the playground refuses: the message says what was wrong and what to do."""
