"""The home page's section blocks read only the newest stories; sparse sections still show."""

import datetime as dt

import pytest
from django.utils import timezone

from nashra.news import selectors

pytestmark = pytest.mark.django_db


def test_a_section_older_than_the_window_is_filled_by_its_own_query(make_article, home,
                                                                    monkeypatch):
    now = timezone.now()
    old = make_article(title="خبر ثقافي قديم", section="ثقافة وفنون",
                       published_at=now - dt.timedelta(days=300))
    for n in range(3):
        make_article(title=f"خبر رياضي {n}", section="رياضة",
                     published_at=now - dt.timedelta(hours=n))
    monkeypatch.setattr(selectors, "HOME_RECENT_WINDOW", 2)
    blocks = {b.section.title: [a.title for a in b.articles]
              for b in selectors.home_sections_with_latest(home=home, per_section=4)}
    assert blocks["ثقافة وفنون"] == [old.title]
    assert blocks["رياضة"] == ["خبر رياضي 0", "خبر رياضي 1", "خبر رياضي 2"]
