from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "hononga.contacts"
    label = "contacts"
