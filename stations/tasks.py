"""Celery tasks of the station network: take ids or nothing, call one service, safe twice."""

from __future__ import annotations

from celery import shared_task

from stations.services import partitions


@shared_task(acks_late=True)
def visit_partitions_ensure(months_ahead: int = 3) -> list[str]:
    """Create the coming months' partitions of the visits table (PostgreSQL)."""
    return partitions.visit_partitions_ensure(months_ahead=months_ahead)
