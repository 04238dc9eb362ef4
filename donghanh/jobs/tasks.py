"""The one task the queue knows: run the background job whose id it carries.

The queue is django-tasks' database backend; on Django 6 the `task` decorator moves to
`django.tasks` and the backend stays `django_tasks_db`.
"""

from __future__ import annotations

from django_tasks import TaskContext, task

from donghanh.jobs.runner import run_job


@task(takes_context=True)
def run_job_task(context: TaskContext, job_id: str) -> str:
    worker_ids = context.task_result.worker_ids
    return run_job(job_id, worker_id=worker_ids[-1] if worker_ids else "")
