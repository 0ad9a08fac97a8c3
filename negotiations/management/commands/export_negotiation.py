import json

from django.core.management.base import BaseCommand, CommandError

from negotiations.exchange.interchange import export_negotiation
from negotiations.models import Negotiation


class Command(BaseCommand):
    help = "Write one negotiation as a redline/2 JSON document (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o")

    def handle(self, slug, output, **options):
        negotiation = Negotiation.objects.filter(slug=slug).first()
        if negotiation is None:
            raise CommandError(f"No negotiation with slug {slug!r}.")
        text = json.dumps(export_negotiation(negotiation), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")
