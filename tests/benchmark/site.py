"""Prepare one benchmark database and say how to reach its pages (run by tests.benchmark.run
in a process of its own, with DATABASE_URL naming the database).

    python -m tests.benchmark.site --concerns 150000 --services 1500 --recommendations 1000
    python -m tests.benchmark.site ... --national-concerns 10000000 --national-recommendations 250000

Migrates, seeds the busy area (reused when its size matches), and with --national-* the other
152 areas too. The last line printed is JSON: a signed-in session, the busy area's id, the
sizes, how long the national load took, and the ids the pages need (a priority, a public
report, the cursor 50 pages deep).
"""

from __future__ import annotations

import argparse
import json
import time

from .seed_area import analyse, seed, seed_board, seed_recommendations
from .seed_national import seed_board_everywhere, seed_national_concerns

AREAS = 153


def page_ids(slug: str) -> dict:
    """What the page paths need besides the area: a public report, the cursor of the list's 50th
    page (the row 2,500 rows down), a theme and a service to filter by."""
    from agencies.models import Body, BodyKind, Locality
    from concerns.models import Concern, Theme
    from reports.models import Report

    locality = Locality.objects.get(slug=slug)
    rows = Concern.all_objects.filter(locality=locality).order_by("-received_on", "-id")
    deep = rows[min(2500, rows.count() - 1)]
    return {
        "locality_id": locality.pk,
        "report": Report.objects.filter(locality=locality).values_list("pk", flat=True).first(),
        "deep": f"{deep.received_on.isoformat()}.{deep.pk}",
        "theme": Theme.all_objects.filter(locality=locality, name="Discharge").values_list("pk", flat=True).first(),
        "service": Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    }


def national_rows() -> tuple[int, int]:
    from concerns.models import Concern
    from reports.models import Recommendation

    return Concern.all_objects.count(), Recommendation.objects.count()


def record_load(before: tuple[int, int], seconds: float) -> str:
    """How long the national load took, kept in the database beside the rows it loaded (a later
    run that reuses them reports the load that made them)."""
    import datetime

    from django.db import connection

    now = national_rows()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS benchmark_load (seconds integer, finished date, rows bigint)")
        if now != before:
            cursor.execute("DELETE FROM benchmark_load")
            cursor.execute(
                "INSERT INTO benchmark_load VALUES (%s, %s, %s)",
                [round(seconds), datetime.date.today(), now[0]],
            )
        cursor.execute("SELECT seconds, finished FROM benchmark_load")
        row = cursor.fetchone()
    if row is None:
        return "loaded by an earlier run; its time was not recorded"
    took, finished = row
    made = "in this run" if now != before else f"by an earlier run on {finished.isoformat()}"
    return f"loaded {made} in {took // 60} min {took % 60} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concerns", type=int, required=True)
    parser.add_argument("--services", type=int, required=True)
    parser.add_argument("--recommendations", type=int, required=True)
    parser.add_argument("--national-concerns", type=int, default=0)
    parser.add_argument("--national-recommendations", type=int, default=0)
    parser.add_argument("--national-services", type=int, default=0)
    args = parser.parse_args()

    cookie, sizes = seed(args.concerns, args.services)
    national = args.national_recommendations or args.national_concerns
    before = national_rows() if national else None
    started = time.monotonic()
    if args.national_recommendations or args.national_concerns:
        seed_recommendations(
            "benchshire",
            args.national_recommendations or args.recommendations,
            localities=AREAS,
            home_count=args.recommendations,
        )
    else:
        seed_recommendations("benchshire", args.recommendations)
    ids = seed_board("benchshire", "bench@example.org")
    if args.national_concerns:
        sizes["national concerns"] = seed_national_concerns(
            args.national_concerns, AREAS, "benchshire", max(args.national_services // AREAS, 1)
        )
        seed_board_everywhere("benchshire")
    load = record_load(before, time.monotonic() - started) if national else ""
    analyse()  # statistics as autovacuum would leave them (ANALYZE samples, so this is quick)
    print(json.dumps({"cookie": cookie, "sizes": sizes, "load": load, **ids, **page_ids("benchshire")}))


if __name__ == "__main__":
    main()
