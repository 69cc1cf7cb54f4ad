"""Background tasks: our django-tasks backend, the worker, scheduled jobs (docs/tasks.md)."""
