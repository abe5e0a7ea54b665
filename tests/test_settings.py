"""Settings come from the environment; the documented production setup passes the deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
    "ALLOWED_HOSTS": "quality.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/unused-production-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def manage(*args, env_overrides):
    # A clean environment: the test settings put relaxed values into os.environ.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "quality_system.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_documented_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_a_malformed_setting_fails_loudly():
    result = manage("check", env_overrides={**PRODUCTION, "SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "invalid literal for int()" in result.stderr


def test_without_a_broker_tasks_run_in_process(settings):
    from quality_system.celery import app

    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True


def test_production_without_a_shared_cache_is_refused():
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert "is not a shared cache" in result.stderr
