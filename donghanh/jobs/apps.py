from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "donghanh.jobs"
    label = "jobs"

    def ready(self) -> None:
        from donghanh.jobs.registry import discover_kinds

        # Every app's job kinds (its `job_kinds` module), so a worker can run any queued job.
        discover_kinds()
