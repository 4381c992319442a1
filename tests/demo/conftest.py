import pytest
from django.apps import apps
from django.db import connection


@pytest.fixture(autouse=True)
def empty_database(db):
    """These tests build the demo province from nothing: empty every table of ours inside the test's
    transaction (foreign keys are deferred on SQLite and PostgreSQL, and the rollback restores it all)."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"auth", "sessions", "contenttypes", "admin"} and model._meta.model_name not in {
            "user", "user_groups", "user_user_permissions"
        }:
            continue
        if model._meta.managed and not model._meta.proxy:
            model._base_manager.using(connection.alias).all()._raw_delete(connection.alias)
