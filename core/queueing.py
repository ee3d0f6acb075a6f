"""Queueing a Celery task from a service, by name.

A task module imports the service it calls, so a service that imported its task module
back would close an import circle (import-linter forbids it). Services queue by the task's
registered name instead, after their transaction commits (STYLE.md: side effects only
once the writes are durable).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from celery import Task, current_app
from django.db import transaction


def registered_task(name: str) -> Task:
    """The task registered as ``name`` ("app.tasks.function"). A worker has imported every
    task module when it started; a web process imports the task's module on first use."""
    if name not in current_app.tasks:
        import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def task_queue_on_commit(name: str, *args: Any) -> None:
    """Queue the task registered as ``name`` with ``args`` when the current transaction
    commits (at once outside one). Eager where no broker is configured (quick start)."""
    transaction.on_commit(lambda: registered_task(name).delay(*args))
