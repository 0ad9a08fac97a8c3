"""Time the full proposal compare on generated drafts (in memory: no database needed).

    manage.py benchmark_diff [--runs 7] [--provisions 200] [--words 150]

Each figure is the full compare: alignment (drafts.align), word diffs (diffs), summary,
issue coverage and rendering the compare page's template, with the diff cache off.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.template.loader import render_to_string

from negotiations.models import Issue, Negotiation, Proposal, Provision
from negotiations.text import compare as comparing
from negotiations.text import diffs

SEED = 20240104


def vocabulary(rng, size=3000):
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 11))))
    words = sorted(words)
    rng.shuffle(words)
    return words, [1 / (rank + 1) for rank in range(size)]  # Zipf-like: prose-like repeats


class Text:
    def __init__(self, rng):
        self.rng = rng
        self.words, self.weights = vocabulary(rng)

    def words_of(self, n):
        return self.rng.choices(self.words, self.weights, k=n)

    def prose(self, n):
        out, words = [], self.words_of(n)
        for i, word in enumerate(words, start=1):
            out.append(word + ("." if i % 17 == 0 or i == n else ","[: i % 7 == 0]))
        return " ".join(out)

    def reword(self, text, share=0.1):
        """Replace, insert and delete short runs of words, about `share` of them."""
        words = text.split()
        edits = max(1, int(len(words) * share / 2))
        for _ in range(edits):
            i = self.rng.randrange(len(words))
            kind = self.rng.random()
            run = self.rng.randint(1, 3)
            if kind < 0.5:
                words[i : i + run] = self.words_of(run)
            elif kind < 0.75:
                words[i:i] = self.words_of(run)
            elif len(words) > run + 1:
                del words[i : i + run]
        return " ".join(words)


def drafts(text, count, words, reworded_share, issues):
    negotiation = Negotiation(pk=1, slug="bench", title="Benchmark talks")
    a = Proposal(pk=1, negotiation=negotiation, slug="a", title="Draft A")
    b = Proposal(pk=2, negotiation=negotiation, slug="b", title="Draft B")
    reworded = set(text.rng.sample(range(count), round(count * reworded_share)))
    side_a, side_b = [], []
    for i in range(count):
        body = text.prose(words)
        issue = issues[i % len(issues)]
        side_a.append(
            Provision(
                pk=i + 1,
                proposal=a,
                label=f"Article {i + 1}",
                text=body,
                order=i,
                version=1,
                issue=issue,
            )
        )
        side_b.append(
            Provision(
                pk=10_000 + i,
                proposal=b,
                label=f"Art. {i + 1}",
                order=i,
                version=1,
                text=text.reword(body) if i in reworded else body,
                issue=issue,
            )
        )
    return negotiation, a, b, side_a, side_b


def full_compare(negotiation, a, b, side_a, side_b, issues, view):
    comparison = comparing.build(side_a, side_b, issues, view=view, cache=False)
    html = render_to_string(
        "negotiations/compare.html",
        {
            "negotiation": negotiation,
            "proposals": [a, b],
            "a": a,
            "b": b,
            "view": view,
            "errors": {},
            "links": {"inline": "?", "side": "?", "swap": "?", "permanent": "?"},
            "comparison": comparison,
        },
    )
    return comparison, html


class Command(BaseCommand):
    help = "Time the full compare of two generated drafts (alignment, diffs, rendering)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--provisions", type=int, default=200)
        parser.add_argument("--words", type=int, default=150)

    def handle(self, *args, runs, provisions, words, **options):
        rng = random.Random(SEED)
        text = Text(rng)
        negotiation = Negotiation(pk=1, slug="bench", title="Benchmark talks")
        issues = [
            Issue(pk=i, negotiation=negotiation, slug=f"issue-{i}", title=f"Issue {i}")
            for i in range(1, 21)
        ]
        scenarios = [
            (
                f"{provisions} x {provisions} provisions of ~{words} words, 30% reworded",
                drafts(text, provisions, words, 0.3, issues),
            ),
            (
                f"{provisions} x {provisions} provisions of ~{words} words, 100% reworded",
                drafts(text, provisions, words, 1.0, issues),
            ),
        ]
        renumbered = drafts(text, provisions, words, 0.3, issues)
        del renumbered[4][0]  # B drops its first article and renumbers the rest
        for i, provision in enumerate(renumbered[4], start=1):
            provision.label = f"Art. {i}"
        scenarios.append(
            (
                f"{provisions} x {provisions - 1}, 30% reworded, B renumbered after a deletion",
                renumbered,
            )
        )
        unrelated = drafts(text, 1, 5000, 0.0, issues)
        unrelated[4][0].text = text.prose(5000)  # B's one provision: another text
        scenarios.append(("two unrelated 5,000-word texts", unrelated))

        self.stdout.write(f"benchmark_diff: {runs} runs each, diff cache off, times in ms")
        worst_pair = (0.0, "")
        for name, (neg, a, b, side_a, side_b) in scenarios:
            for view in comparing.VIEWS:
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    comparison, html = full_compare(neg, a, b, side_a, side_b, issues, view)
                    times.append((time.perf_counter() - start) * 1000)
                counts = ", ".join(f"{k} {v}" for k, v in comparison.counts.items())
                self.stdout.write(
                    f"{name} [{view}]: median {statistics.median(times):.1f}, "
                    f"worst {max(times):.1f} ({counts}; {len(html) // 1024} KiB of HTML)"
                )
            for row in comparison.rows:
                if row.a is None or row.b is None:
                    continue
                start = time.perf_counter()
                segments = diffs.diff_words(row.a.text, row.b.text)
                diffs.render_inline(segments)
                diffs.render_side_by_side(segments)
                elapsed = (time.perf_counter() - start) * 1000
                if elapsed > worst_pair[0]:
                    worst_pair = (elapsed, f"{row.a.label} / {row.b.label} in {name}")
        self.stdout.write(
            f"worst single pair (diff + both renderings): {worst_pair[0]:.1f} ms ({worst_pair[1]})"
        )
