"""Every change of state in the station network goes through a function in this package.

One module per concept, so a write is found by its concept's name:

* ``network`` — regions, the union tree, memberships (a security event, with history),
  stations with their services, hours and closures.
* ``visits`` — visits logged at the desk (idempotent by the client's UUID).
* ``public_reports`` — workers' feedback and facility reports, and their handling.
* ``inspections`` — the "六有" inspections of stations.

Each function takes keyword arguments, ``actor`` first, checks the actor's permission
through ``core.scoping``, validates with ``full_clean()`` and writes inside one
transaction. ``actor=None`` means the system itself (management commands, data loads) and
is never passed from a request.
"""
