"""Time search against /healthz, in-process, for a logged-in reader.

Twenty queries, four of each sort: a common word, a rare word, an alias, a phrase and
a misspelling (which finds nothing and asks for "did you mean"). Each is fetched as the
search page (every kind, grouped) `--runs` times; /healthz is timed in the same run,
between the queries, so both see the same machine. Prints per query the median time,
the number of queries it ran and how many hits it found; then the median over the
twenty against /healthz's median. The target (issue #16): ≤ 10 × /healthz at size L,
with the number of queries not depending on the number of hits.

Alias queries need aliases: `--add-seed-aliases` writes the aliases of the seeded
Armenia–Azerbaijan issues and parties (the ones README lists) when they are missing,
with a history row; without it an alias query measures a search that finds little.
"""

import json
import statistics
import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations import search
from negotiations.devtools.management.commands.benchmark import USERNAME
from negotiations.management.commands.createuser import create_user
from negotiations.models import Issue, Party, Position

QUERIES = {
    "common word": ["border", "corridor", "treaty", "security"],
    "rare word": ["Nakhchivan", "extraterritorial", "repercussions", "Poghosyan"],
    "alias": ["TRIPP", "Zangezur", "Karabagh", "Turkey"],
    "phrase": [
        '"customs control"',
        '"peace agreement"',
        '"border delimitation"',
        '"extraterritorial corridor"',
    ],
    "misspelling": ["Nakhchevan", "corrridor", "delimitaton", "Azerbajan"],
}
SEED_ALIASES = {
    (Issue, "transit-corridor"): [
        "Zangezur corridor",
        "TRIPP",
        "Trump Route for International Peace and Prosperity",
        "Crossroads of Peace",
    ],
    (Issue, "nagorno-karabakh-status"): ["Karabagh", "Artsakh"],
    (Party, "turkiye"): ["Turkey"],
}


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    return elapsed


class Command(BaseCommand):
    help = "Time 20 searches (common, rare, alias, phrase, misspelling) against /healthz."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="fetches of each query")
        parser.add_argument("--json", dest="json_file", help="also write the figures as JSON")
        parser.add_argument(
            "--add-seed-aliases",
            action="store_true",
            help="write the seeded issues' and parties' aliases first, where missing",
        )

    def handle(self, runs, json_file, add_seed_aliases, **options):
        if add_seed_aliases:
            self.add_aliases()
        User = get_user_model()
        if not User.objects.filter(username=USERNAME).exists():
            create_user(USERNAME, "reader")
        client = Client()
        client.force_login(User.objects.get(username=USERNAME))
        healthz_url = reverse("negotiations:healthz")
        rows, healthz = [], []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            timed(client, healthz_url)
            for sort, queries in QUERIES.items():
                for q in queries:
                    url = reverse("negotiations:search") + "?" + urlencode({"q": q})
                    timed(client, url)  # warm: session, content types
                    reset_queries()  # each request clears the log: count from zero
                    with CaptureQueriesContext(connection) as ctx:
                        timed(client, url)
                    count = len(ctx)  # now: the log is cleared by the next request
                    times = []
                    for _ in range(runs):
                        times.append(timed(client, url))
                        healthz.append(timed(client, healthz_url))
                    rows.append(
                        {
                            "sort": sort,
                            "q": q,
                            "median_ms": round(statistics.median(times), 2),
                            "queries": count,
                            **self.hits(q),
                        }
                    )
        healthz_ms = statistics.median(healthz)
        median = statistics.median(row["median_ms"] for row in rows)
        figures = {
            "database": connection.vendor,
            "positions": Position.objects.count(),
            "runs": runs,
            "healthz_median_ms": round(healthz_ms, 3),
            "search_median_ms": round(median, 2),
            "ratio_to_healthz": round(median / healthz_ms, 1),
            "queries_per_search": sorted({row["queries"] for row in rows}),
            "searches": rows,
        }
        self.report(figures)
        if json_file:
            with open(json_file, "w") as f:
                json.dump(figures, f, indent=2, ensure_ascii=False)

    def hits(self, q):
        results = search.run(search.Filters(q=q))
        return {
            "hits": results.display_total if results else "0",
            "suggestion": results.suggestion if results else "",
        }

    def add_aliases(self):
        for (model, slug), aliases in SEED_ALIASES.items():
            for record in model.objects.filter(slug=slug):
                missing = [a for a in aliases if a not in record.alias_list]
                if not missing:
                    continue
                record.aliases = "\n".join(record.alias_list + missing)
                record._change_reason = "benchmark_search --add-seed-aliases"
                record.save()
                self.stdout.write(f"aliases added to {record}: {', '.join(missing)}")

    def report(self, figures):
        self.stdout.write(
            f"{figures['positions']:,} positions; database {figures['database']}; "
            f"{figures['runs']} runs per query"
        )
        self.stdout.write(f"{'sort':<12} {'query':<24} {'median ms':>9} {'queries':>7}  hits")
        for row in figures["searches"]:
            hint = f" (did you mean {row['suggestion']}?)" if row["suggestion"] else ""
            self.stdout.write(
                f"{row['sort']:<12} {row['q']:<24} {row['median_ms']:>9.1f} "
                f"{row['queries']:>7}  {row['hits']}{hint}"
            )
        self.stdout.write(
            f"/healthz median {figures['healthz_median_ms']:.2f} ms; search median "
            f"{figures['search_median_ms']:.1f} ms = {figures['ratio_to_healthz']} × /healthz "
            f"(target ≤ 10); queries per search: {figures['queries_per_search']}"
        )
