"""The welfare pages, one module per concept: ``hazards`` (the public report form and
status page, the organizers' handling), ``workplaces`` (the organizers' workplace layer
and the hot-days export), ``workers`` (workers, their checks and leaving), ``roster``
(roster import) and ``rewards`` (rewards against the yearly budget).

Only organizers (``core.access``) open the organizer pages (others: 403; anonymous: the
login page). Objects outside the organizer's unions are not found (404).
"""
