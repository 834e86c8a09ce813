"""The old home of ``network_steps`` and ``NetworkStep``, now :mod:`tinygraph.narrative`; kept only
until every import has moved there.

A module named like a public function shadows it: once ``tinygraph.network_steps``
is imported as a module, Python sets the package's attribute ``network_steps``
to that module, and ``tg.network_steps(net, ...)`` stops working.  Import from
``tinygraph.narrative`` instead, and delete this file when nothing imports it.
"""

from .narrative import REPEAT_MAX_EPOCHS, REPEAT_UNTIL, STAGES, NetworkStep, network_steps  # noqa: F401
