"""A streaming replica for read-only pages (issue 18, item 5; quality_system/db_router.py).

The replica here is Django's test mirror: a second connection, under the alias "replica", to the
test database, which is what DATABASE_REPLICA_URL's settings declare for tests. Which connection
each query used is captured per alias, so every test says where the reads and writes went. The
tests are transactional (committed rows), because a second connection cannot see the rows of the
first one's open test transaction, as a real replica cannot. Only these tests configure the
alias; the rest of the suite runs with one database and no router.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from contextlib import ExitStack, contextmanager

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import OperationalError, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns.models import Theme
from quality_system import db_router
from quality_system.db_router import PRIMARY, REPLICA, STICKY_COOKIE
from tests.conftest import make_concern
from tests.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """The "replica" alias as a test mirror of the test database, for this module only."""
    primary = connections[PRIMARY].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": PRIMARY}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The router and middleware on, as settings.py installs them with DATABASE_REPLICA_URL."""
    settings.DATABASE_ROUTERS = ["quality_system.db_router.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index(SESSIONS), settings.REPLICA_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    db_router.mark_replica_up()
    yield
    db_router.mark_replica_up()


class Queries:
    """The queries each alias ran inside the block."""

    def __init__(self):
        self.primary = CaptureQueriesContext(connections[PRIMARY])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    @contextmanager
    def watching(self):
        with ExitStack() as stack:
            stack.enter_context(self.primary)
            stack.enter_context(self.replica)
            yield self

    def writes(self, alias: str) -> list[str]:
        captured = self.primary if alias == PRIMARY else self.replica
        return [q["sql"] for q in captured if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


@contextmanager
def queries():
    with Queries().watching() as watched:
        yield watched


def area_url(name, world):
    return reverse(name, kwargs={"slug": world.area.slug})


def forget_recent_write(client) -> None:
    client.cookies.pop(STICKY_COOKIE, None)


def warm(client, url: str) -> None:
    """A first view, which fills the shared caches (the navigation's counts, the dashboard) from
    the primary: a value kept for everyone under a version must not come from a lagging replica."""
    assert client.get(url).status_code == 200
    forget_recent_write(client)


# ---------------------------------------------------------------- read-only pages


def test_the_concern_list_reads_from_the_replica(replica, world, login):
    make_concern(world, narrative="Waited six hours in A&E.")
    client = login(world.officer)
    warm(client, area_url("concerns:index", world))
    with queries() as q:
        response = client.get(area_url("concerns:index", world))
    assert response.status_code == 200
    assert len(q.replica) > 0
    assert len(q.primary) == 0, [x["sql"] for x in q.primary]
    assert STICKY_COOKIE not in response.cookies


def test_the_dashboard_reads_from_the_replica_and_fills_its_cache_from_the_primary(replica, world, login):
    make_concern(world)
    client = login(world.read_only)
    with queries() as first:
        assert client.get(area_url("reports:dashboard", world)).status_code == 200
    # The first view works the dashboard out and keeps it for everyone under the area's figures
    # version, so it reads those figures from the primary, never from a replica behind it.
    assert len(first.primary) > 0
    forget_recent_write(client)  # the first view may have rebuilt the monthly counts (a write)
    with queries() as cached:
        assert client.get(area_url("reports:dashboard", world)).status_code == 200
    assert len(cached.replica) > 0
    assert len(cached.primary) == 0, [x["sql"] for x in cached.primary]


def test_a_persons_seats_are_cached_only_from_the_primary(replica, world, login):
    """Someone's seats and functions are kept for later pages: worked out on a replica that
    lags, a removed seat could be kept as access. A page whose person entry is missing reads
    the memberships from the primary, and only then from the cache."""
    from django.core.cache import cache

    client = login(world.officer)
    warm(client, area_url("concerns:index", world))
    cache.clear()
    with queries() as q:
        assert client.get(area_url("concerns:index", world)).status_code == 200

    def seat_reads(captured) -> list[str]:  # access.seats_from_database's one query
        return [
            x["sql"]
            for x in captured
            if 'FROM "agencies_bodyarea"' in x["sql"] and '"agencies_membership"."role"' in x["sql"]
        ]

    assert seat_reads(q.primary), "the person's seats were not worked out on the primary"
    assert not seat_reads(q.replica)


def test_a_public_page_reads_from_the_replica(replica, world, client):
    with queries() as q:
        assert client.get(reverse("public-reports", kwargs={"slug": world.area.slug})).status_code == 200
    assert len(q.replica) > 0 and len(q.primary) == 0, [x["sql"] for x in q.primary]


# ---------------------------------------------------------------- read your writes


def test_after_a_write_the_writer_reads_from_the_primary_for_the_sticky_window_then_the_replica(
    replica, world, login, client
):
    writer = login(world.owner)
    with time_machine.travel(NOW, tick=False) as clock:
        with queries() as post:
            response = writer.post(area_url("concerns:theme-create", world), {"name": "Parking"})
        assert response.status_code == 302
        assert post.writes(PRIMARY) and len(post.replica) == 0  # a POST reads and writes the primary
        assert Theme.all_objects.filter(locality=world.area, name="Parking").exists()
        assert response.cookies[STICKY_COOKIE]["max-age"] == django_settings.REPLICA_STICKY_SECONDS

        clock.shift(datetime.timedelta(seconds=django_settings.REPLICA_STICKY_SECONDS - 1))
        with queries() as soon:
            page = writer.get(area_url("concerns:themes", world))
        assert "Parking" in page.content.decode()
        assert len(soon.primary) > 0 and len(soon.replica) == 0  # their own change, from the primary

        clock.shift(datetime.timedelta(seconds=2))  # the window has passed
        with queries() as later:
            writer.get(area_url("concerns:themes", world))
        assert len(later.replica) > 0 and len(later.primary) == 0


def test_someone_elses_write_does_not_move_your_reads(replica, world, login, client):
    login(world.owner).post(area_url("concerns:theme-create", world), {"name": "Parking"})
    client.force_login(world.officer, backend="django.contrib.auth.backends.ModelBackend")
    warm(client, area_url("concerns:themes", world))
    with queries() as q:
        client.get(area_url("concerns:themes", world))
    assert len(q.replica) > 0 and len(q.primary) == 0, [x["sql"] for x in q.primary]


def test_a_forged_recent_write_cookie_is_ignored(replica, world, login):
    client = login(world.officer)
    warm(client, area_url("concerns:themes", world))
    client.cookies[STICKY_COOKIE] = "1"
    with queries() as q:
        client.get(area_url("concerns:themes", world))
    assert len(q.replica) > 0 and len(q.primary) == 0, [x["sql"] for x in q.primary]


def test_a_read_only_request_that_writes_reads_from_the_primary_for_the_rest_of_it(replica, world):
    seen = {}

    def view(request):
        seen["before"] = Theme.all_objects.count()
        Theme.all_objects.create(locality=world.area, name="Written in a GET")
        seen["after"] = Theme.all_objects.count()
        return HttpResponse("done")

    middleware = db_router.ReplicaMiddleware(view)
    with queries() as q:
        response = middleware(RequestFactory().get("/"))
    assert seen["after"] == seen["before"] + 1
    assert [x["sql"].split()[0] for x in q.replica] == ["SELECT"]  # only the read before the write
    statements = [x["sql"].split()[0].upper() for x in q.primary]
    assert statements[0] == "INSERT" and statements[-1] == "SELECT"  # the theme (and its history), then the count
    assert response.cookies[STICKY_COOKIE]  # and this person's next pages read from the primary
    assert "private" in response["Cache-Control"]


def test_reads_inside_a_transaction_go_to_the_primary(replica, world):
    with db_router.replica_reads():
        assert router.db_for_read(Theme) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Theme) == PRIMARY
        assert router.db_for_read(Theme) == REPLICA


def test_an_unreachable_replica_sends_reads_to_the_primary(replica, world, login, monkeypatch):
    def refuse():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connections[REPLICA], "ensure_connection", refuse)
    client = login(world.officer)
    response = client.get(area_url("concerns:themes", world))
    assert response.status_code == 200
    assert not db_router.replica_reachable()  # and it is not tried again at once
    monkeypatch.undo()
    with queries() as q:
        client.get(area_url("concerns:themes", world))
    assert len(q.replica) == 0 and len(q.primary) > 0


# ---------------------------------------------------------------- jobs, commands and migrations


def test_jobs_and_commands_read_from_the_primary_unless_they_opt_in(replica, world):
    assert router.db_for_read(Theme) == PRIMARY  # outside a request: a job, a command, the shell
    with db_router.replica_reads():
        assert db_router.reads_from_replica()
        with db_router.primary():
            assert not db_router.reads_from_replica()


def test_a_celery_task_reads_from_the_primary_even_inside_a_page_on_the_replica(replica, world):
    from concerns.tasks import refresh_summaries

    make_concern(world)
    with db_router.replica_reads(), queries() as q:
        assert db_router.reads_from_replica()
        assert refresh_summaries.delay(world.area.pk).get() > 0  # in-process, as without a broker
    assert len(q.replica) == 0
    assert q.writes(PRIMARY)


def test_migrations_run_only_on_the_primary(replica):
    assert router.allow_migrate(PRIMARY, "concerns") is True
    assert router.allow_migrate(REPLICA, "concerns") is False


# ---------------------------------------------------------------- settings


@pytest.mark.django_db(transaction=False, databases=[PRIMARY])
def test_without_a_replica_there_is_no_router_and_no_middleware(settings):
    assert REPLICA not in settings.DATABASES
    assert settings.DATABASE_ROUTERS == []
    assert settings.REPLICA_MIDDLEWARE not in settings.MIDDLEWARE


@pytest.mark.django_db(transaction=False, databases=[PRIMARY])
def test_database_replica_url_installs_the_router_the_middleware_and_a_test_mirror():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASE_ROUTERS, s.DATABASES['replica']['NAME'], s.DATABASES['replica']['TEST']['MIRROR'], "
        "s.MIDDLEWARE.index(s.REPLICA_MIDDLEWARE) < s.MIDDLEWARE.index('" + SESSIONS + "'))"
    )
    env = {**PRODUCTION, "DATABASE_REPLICA_URL": "sqlite:////tmp/replica.sqlite3", "PATH": "/usr/bin:/bin"}
    env["DJANGO_SETTINGS_MODULE"] = "quality_system.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("['quality_system.db_router.ReplicaRouter'] /tmp/replica.sqlite3 default True")
