from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "hononga.tasks"
    label = "tasks"
    verbose_name = "Background tasks"
