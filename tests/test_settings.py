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


def _readme_deploy_check() -> str:
    """The deploy-check command exactly as the README gives it."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- deploy-check -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 1, "the README's deploy check is one command"
    return lines[0]


def _run_shell(command: str) -> subprocess.CompletedProcess:
    # A clean environment but for PATH (with this interpreter's `python` first) and HOME.
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_readmes_deploy_check_command_reports_no_issues():
    result = _run_shell(_readme_deploy_check())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_without_a_shared_cache_the_deploy_check_says_rate_limits_need_one():
    command = " ".join(word for word in _readme_deploy_check().split() if not word.startswith("CACHE_URL="))
    result = _run_shell(command)
    assert result.returncode != 0
    assert "django_ratelimit.E003" in result.stderr + result.stdout


def test_postgresql_connections_have_jit_off_and_ssd_page_costs_unless_asked_otherwise():
    """The JIT compiler spent a second compiling a capped count that ran in 40 ms (a page's
    query estimated as costly), and a random page cost meant for spinning disks had the tracker
    read every area's recommendations: our connections set both, unless told otherwise."""
    code = (
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    postgres = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://app@db.example.org:5432/quality?options=-c%20statement_timeout%3D5000",
    }
    off = manage("shell", "--no-imports", "-c", code, env_overrides=postgres)
    assert off.returncode == 0, off.stderr
    # the URL's own options kept
    assert off.stdout.split() == ["-c", "statement_timeout=5000", "-c", "jit=off", "-c", "random_page_cost=1.1"]
    kept = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env_overrides={**postgres, "DATABASE_JIT": "true", "DATABASE_RANDOM_PAGE_COST": ""},
    )
    assert kept.stdout.split() == ["-c", "statement_timeout=5000"]
    sqlite = manage("shell", "--no-imports", "-c", code, env_overrides=PRODUCTION)
    assert sqlite.stdout.strip() == ""


def test_jit_is_off_and_page_costs_are_ssds_on_a_live_postgresql_connection(db):
    from django.db import connection

    from tests.conftest import missing_service

    if connection.vendor != "postgresql":
        missing_service("JIT is PostgreSQL's: run this test on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
