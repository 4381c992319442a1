"""Strict parsing of settings from environment variables.

A value that does not parse stops start-up with a message naming the variable,
instead of being silently replaced by a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def str(self, name: str, default: str) -> str:
        value = self.environ.get(name)
        return default if value is None else value.strip()

    def bool(self, name: str, default: bool) -> bool:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")

    def int(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return default
        try:
            number = int(value.strip(), 10)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name}={number} is outside {minimum}..{maximum}")
        return number

    def choice(self, name: str, default: str, choices: list[str]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}")
        return value

    def decimal(self, name: str, default: str) -> Decimal:
        value = self.str(name, default)
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
        if not number.is_finite():
            raise ImproperlyConfigured(f"{name}={value!r} is not a finite number")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self.environ.get(name)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ImproperlyConfigured(f"{name}={value!r} has an empty item (comma-separated, no blanks)")
        return items

    def database(self, name: str, default: str) -> dict:
        import dj_database_url

        url = self.str(name, default)
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except (ValueError, KeyError) as exc:
            raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
        engine = config.get("ENGINE", "")
        if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
            raise ImproperlyConfigured(f"{name}: only sqlite:// and postgres:// are supported, got {engine!r}")
        if engine == "django.db.backends.sqlite3":
            name_ = str(config.get("NAME", ""))
            if name_ and name_ != ":memory:" and not name_.startswith("file:"):
                from pathlib import Path

                Path(name_).parent.mkdir(parents=True, exist_ok=True)
            config["CONN_MAX_AGE"] = 0
            config["OPTIONS"] = {
                # WAL lets the web server and the worker read while one writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        return config
