"""Workplaces and rosters to and from spreadsheets (Chinese or English headers).

Each row is written by ``welfare.services`` (``workplace_save``, ``worker_register`` /
``worker_update``, ``health_check_record``), so a wrong credit code or a worker of another
union is refused with the same message as in the admin and the API. Exports carry no
personal data: a workplace's contact person is imported but never exported, and workers
and health checks are not exported at all.

``scoped`` holds the lookups every kind shares; ``workplaces`` the workplaces with their
hazards; ``workers`` the rosters and the health checks.
"""
