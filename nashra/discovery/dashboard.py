"""The newsroom dashboard: reads per hour (an SVG drawn here), most read now, today's stories."""

import zoneinfo

from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from nashra.arabic.digits import to_arabic_indic_digits
from nashra.core.models import SiteSettings

from . import selectors

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 960, 240, 28


def chart(bars: list[selectors.HourBar], tz, *, arabic_digits: bool = False) -> dict:
    """Bar geometry in SVG units. Time runs right to left (oldest on the right) for RTL readers.
    Labels are in the site's digits."""
    def digits(text: str) -> str:
        return to_arabic_indic_digits(text) if arabic_digits else text

    top = max((b.count for b in bars), default=0) or 1
    slot = (CHART_WIDTH - 2 * CHART_PAD) / max(len(bars), 1)
    usable = CHART_HEIGHT - 2 * CHART_PAD
    shapes = []
    for n, bar in enumerate(bars):
        height = round(usable * bar.count / top, 1)
        x = round(CHART_WIDTH - CHART_PAD - (n + 1) * slot + slot * 0.1, 1)
        local = bar.start.astimezone(tz)
        shapes.append({
            "x": x, "y": round(CHART_HEIGHT - CHART_PAD - height, 1), "width": round(slot * 0.8, 1),
            "height": height, "count": digits(str(bar.count)), "label": digits(local.strftime("%H:00")),
            "day": digits(local.strftime("%Y-%m-%d")), "tick": local.hour % 6 == 0,
            "tick_x": round(x + slot * 0.4, 1),
        })
    return {"bars": shapes, "width": CHART_WIDTH, "height": CHART_HEIGHT, "max": top,
            "peak": max((b.count for b in bars), default=0),
            "baseline": CHART_HEIGHT - CHART_PAD,
            "axis_end": CHART_WIDTH - CHART_PAD, "label_y": CHART_HEIGHT - 8,
            "total": sum(b.count for b in bars), "pad": CHART_PAD}


class NewsroomDashboard(WagtailAdminTemplateMixin, TemplateView):
    template_name = "discovery/admin/dashboard.html"
    page_title = "غرفة الأخبار"
    header_icon = "view"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = Site.find_for_request(self.request)
        options = SiteSettings.for_site(site) if site else None
        tz = zoneinfo.ZoneInfo((options.time_zone if options else "") or "UTC")
        arabic = bool(options and options.uses_arabic_digits)
        context.update(
            chart=chart(selectors.reads_per_hour(hours=48), tz, arabic_digits=arabic),
            hours=48,
            most_read=selectors.most_read_now(limit=10),
            today=selectors.published_today(tz=tz),
            now=timezone.now().astimezone(tz),
        )
        return context
