"""Back office for the network, one module per concept: ``regions_unions``, ``stations``
(with the service catalog), ``memberships`` and ``station_records`` (visits, feedback,
facility reports, inspections).

Every list is scoped to the user's unions; every save and delete goes through
``stations.services`` so the admin obeys the same rules as the API and imports. Django's
autodiscovery imports this package; importing the modules registers their admins.
"""

from stations.admin import memberships, regions_unions, station_records, stations  # noqa: F401
