"""Settings from environment variables: strict parsing, and production refusing the local defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nghiquyet.env import Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw,expected", [
    ("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("on", True),
    ("0", False), ("false", False), ("No", False), ("off", False), ("", True), (None, True),
])
def test_bool(raw, expected):
    environ = {} if raw is None else {"X": raw}
    assert Env(environ).bool("X", True) is expected


@pytest.mark.parametrize("raw", ["2", "truthy", "y", "enabled", "-1"])
def test_bool_rejects_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="X="):
        Env({"X": raw}).bool("X", False)


def test_int():
    assert Env({"N": " 42 "}).int("N", 1) == 42
    assert Env({}).int("N", 7) == 7
    assert Env({"N": ""}).int("N", 7) == 7
    for bad in ("4.2", "abc", "1e3", "0x10"):
        with pytest.raises(ImproperlyConfigured, match="whole number"):
            Env({"N": bad}).int("N", 1)
    with pytest.raises(ImproperlyConfigured, match="outside"):
        Env({"N": "0"}).int("N", 1, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="outside"):
        Env({"N": "70000"}).int("N", 1, maximum=65535)


def test_list():
    assert Env({"L": "a.vn, b.vn"}).list("L", []) == ["a.vn", "b.vn"]
    assert Env({}).list("L", ["x"]) == ["x"]
    for bad in ("a,,b", "a,", ",a", ""):
        with pytest.raises(ImproperlyConfigured, match="empty item"):
            Env({"L": bad}).list("L", [])


def test_str_strips():
    assert Env({"S": "  v  "}).str("S", "d") == "v"
    assert Env({}).str("S", "d") == "d"


def test_database_urls(tmp_path):
    pg = Env({"DATABASE_URL": "postgres://u:p@db.example:5433/nq"}).database("DATABASE_URL", "")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == ("db.example", 5433, "nq", "u")
    sqlite = Env({"DATABASE_URL": f"sqlite:///{tmp_path}/sub/x.sqlite3"}).database("DATABASE_URL", "")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "not a url", "redis://localhost/0", "postgres://u:p@h:port/db"])
def test_database_url_rejected(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "")


# ------------------------------------------------------------------ the settings module in a fresh process


def _start(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "NGHIQUYET_ALLOW_LOCAL_DEFAULTS",
                            "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_PORT"}}
    environ.update(DJANGO_SETTINGS_MODULE="nghiquyet.settings", **env)
    code = "import django; django.setup(); from django.conf import settings; print('OK', settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=60)


GOOD = {"DEBUG": "false", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "nghiquyet.example.vn",
        "DATABASE_URL": "postgres://u:p@db/nq"}


def test_production_starts_with_real_values():
    result = _start(**GOOD)
    assert result.returncode == 0, result.stderr
    assert "OK False" in result.stdout


@pytest.mark.parametrize("override,message", [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": "localhost,127.0.0.1"}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"DATABASE_URL": ""}, "DATABASE_URL"),
])
def test_production_refuses_local_defaults(override, message):
    env = {**GOOD, **override}
    env = {k: v for k, v in env.items() if v != ""}
    result = _start(**env)
    assert result.returncode != 0
    assert "Production settings refused" in result.stderr and message in result.stderr


def test_production_refuses_default_secret_key():
    env = {k: v for k, v in GOOD.items() if k != "SECRET_KEY"}
    result = _start(**env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("env,message", [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
    ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "mutually exclusive"),
    ({"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"),
    ({"ALLOWED_HOSTS": "a,,b"}, "ALLOWED_HOSTS"),
])
def test_bad_values_stop_start_up(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_local_defaults_start_in_debug():
    result = _start()
    assert result.returncode == 0, result.stderr
    assert "OK True" in result.stdout
