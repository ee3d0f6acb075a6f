"""Every change of state in the station network goes through a function in this package.

One module per concept, so a write is found by its concept's name:

* ``regions_unions`` — regions and the union tree (materialized paths).
* ``memberships`` — memberships (a security event, with history) and demo accounts.
* ``stations`` — stations with their services, hours and closures; the service catalog.
* ``closures`` — closures and one day's hours, changed by staff at the desk.
* ``station_import`` — a whole spreadsheet of stations merged at once (PostGIS).
* ``visits`` — visits logged at the desk (idempotent by the client's UUID).
* ``public_reports`` — workers' feedback and facility reports, and their handling.
* ``inspections`` — the "六有" inspections of stations.
* ``service_aliases`` — the other ways clerks write a catalogue service.
* ``preferences`` — a person's own preferences (the home after login).
* ``partitions`` — the monthly partitions of the visits table (PostgreSQL).

Each function takes keyword arguments, ``actor`` first, checks the actor's permission
through ``core.scoping``, validates with ``full_clean()`` and writes inside one
transaction. ``actor=None`` means the system itself (management commands, data loads) and
is never passed from a request.
"""
