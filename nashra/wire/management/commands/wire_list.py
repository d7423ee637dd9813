import json

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from nashra.wire import selectors


class Command(BaseCommand):
    help = ("List wire items, newest first. --json: one object a line with provider, guid, "
            "version, headline, language, state, embargoed_until, group, story.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="JSON Lines (the only format)")
        parser.add_argument("--provider", default=None)

    def handle(self, *args, json: bool = False, provider=None, **options):
        if not json:
            raise CommandError("only --json is supported")
        urls: dict[int, str] = {}
        for row in selectors.items_for_list(provider=provider):
            story = row["story_id"]
            if story and story not in urls:
                page = Page.objects.filter(pk=story).first()
                urls[story] = (page.get_full_url() or "") if page else ""
            self.stdout.write(_dumps({
                "provider": row["provider__name"], "guid": row["guid"],
                "version": row["version"], "headline": row["headline"],
                "language": row["language"], "state": row["state"],
                "embargoed_until": (row["embargoed_until"].isoformat()
                                    if row["embargoed_until"] else None),
                "group": row["group_id"], "story": urls.get(story) if story else None,
            }))


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
