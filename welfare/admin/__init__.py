"""Back office for welfare. Every save goes through ``welfare.services``: a workplace with
its hazards in one call, a check or measurement recorded when added and corrected (with a
reason, kept in its history) when changed. A hazard report's contact is shown only to the
organizer handling it.

One module per concept; importing them here registers their admins.
"""

from welfare.admin import alerts, hazards, health, rules, workplaces  # noqa: F401
