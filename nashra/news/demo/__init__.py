"""The demo newsroom a fresh install shows: the reference article and a dozen more stories."""

import datetime as dt
import io
import json
import random
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from nashra.core.models import NashraImage, SiteSettings
from nashra.news import services
from nashra.news.models import ArticlePage, HomePage

DEMO_DIR = Path(__file__).resolve().parent
PUBLISHER_NAME = "المكتب الإعلامي الفلسطيني في أوروبا"
REFERENCE_SECTION = "أخبار/عربية ودولية"
REFERENCE_EXTERNAL_ID = "demo:reference"
# The demo accounts. These passwords are in the README, so only `make run` (dev.py's
# NASHRA_DEMO_KNOWN_PASSWORDS) gives them; anywhere else each account gets a random one.
DEMO_ACCOUNTS = (
    ("admin", "nashra-admin", "مدير الموقع"),
    ("editor", "nashra-editor", "محرر"),
    ("reporter", "nashra-reporter", "مراسل"),
)
# The demo pictures are drawn, not photographed: their alt text says so.
DEMO_IMAGE_ALT = "رسم تجريدي توضيحي: دوائر على خلفية متدرجة الألوان"
PALETTES = (
    ((138, 21, 56), (232, 180, 120)), ((22, 78, 99), (160, 210, 200)),
    ((40, 60, 30), (200, 220, 150)), ((60, 40, 90), (230, 190, 220)),
    ((90, 50, 20), (240, 210, 160)), ((20, 40, 80), (180, 200, 240)),
)


def reference_article() -> tuple[str, str]:
    """Headline and body of the reference page (lines 3–35), exactly as published."""
    lines = (DEMO_DIR / "reference-article.txt").read_text(encoding="utf-8").split("\n")
    return lines[0].strip(), "\n".join(lines[1:]).strip()


def demo_articles() -> list[dict]:
    return json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))


def demo_image(*, title: str, alt: str, seed: int, credit: str = "نشرة",
               size: tuple[int, int] = (1600, 900)) -> NashraImage:
    """An abstract picture drawn here, so the demo needs no download and owns its images."""
    rng = random.Random(seed)
    dark, light = PALETTES[seed % len(PALETTES)]
    width, height = size
    img = PILImage.new("RGB", (width, height), dark)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)],
                  fill=tuple(int(d + (lt - d) * t) for d, lt in zip(dark, light, strict=True)))
    for _ in range(7):
        r = rng.randint(60, 260)
        x, y = rng.randint(0, width), rng.randint(0, height)
        shade = tuple(min(255, c + rng.randint(10, 60)) for c in dark)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=shade, width=rng.randint(4, 14))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85)
    image = NashraImage(title=title, description=alt, credit=credit)
    image.file = ImageFile(buffer, name=f"demo-{seed}.jpg")
    image.save()
    return image


@transaction.atomic
def demo_load(*, home: HomePage) -> int:
    """Load the demo stories when the site has none; returns how many were loaded."""
    settings = SiteSettings.for_site(home.get_site())
    if ArticlePage.objects.exists():
        return 0
    settings.site_name = PUBLISHER_NAME
    settings.tagline = "أخبار فلسطين والعالم العربي"
    settings.footer_text = f"© {PUBLISHER_NAME}. جميع الحقوق محفوظة."
    settings.save()
    home.intro = "آخر أخبار فلسطين والعالم العربي والعالم، لحظة بلحظة."
    home.save_revision().publish()

    now = timezone.now()
    title, body = reference_article()
    services.article_upsert(data=services.ArticleInput(
        title=title, body=body, section=REFERENCE_SECTION, source="الأناضول",
        tags=["ليبيا", "الجزائر", "مصر", "تونس"], external_id=REFERENCE_EXTERNAL_ID,
        published_at=now - dt.timedelta(minutes=20),
    ), home=home)
    count = 1
    for n, item in enumerate(demo_articles(), start=1):
        article, _ = services.article_upsert(data=services.ArticleInput(
            title=item["title"], body="\n\n".join(item["paragraphs"]),
            section=item["section"], source=item.get("source", ""),
            standfirst=item.get("standfirst", ""), authors=item.get("authors", []),
            tags=item.get("tags", []), external_id=f"demo:{n}",
            published_at=now - dt.timedelta(hours=item.get("hours_ago", n)),
        ), home=home)
        if item.get("image"):
            article.hero_image = demo_image(title=item["title"], alt=DEMO_IMAGE_ALT, seed=n)
            article.save_revision().publish()
            # Re-publishing stamps now; the demo story keeps the time it was dated.
            ArticlePage.objects.filter(pk=article.pk).update(
                last_published_at=article.first_published_at)
        count += 1
    return count


@transaction.atomic
def demo_accounts_ensure(*, known_passwords: bool) -> list[tuple[str, str, str]]:
    """The demo accounts, made where missing: (username, password, role) of those whose
    password there is to tell.

    With known_passwords (`make run`) every account and its README password, each run. Without
    (production settings), a new random password for each account made now, and for one still
    holding its README password from an older install; the caller prints them this once, and
    an account whose password someone chose is left alone and not listed.
    """
    User = get_user_model()
    groups = {"editor": services.EDITORS_GROUP, "reporter": services.REPORTERS_GROUP}
    told = []
    for username, known, role in DEMO_ACCOUNTS:
        password = known if known_passwords else secrets.token_urlsafe(15)
        user = User.objects.filter(username=username).first()
        if user is None:
            is_admin = username == "admin"
            user = User.objects.create_user(username=username, password=password,
                                            email=f"{username}@example.org",
                                            is_staff=is_admin, is_superuser=is_admin)
            if username in groups:
                user.groups.add(Group.objects.get(name=groups[username]))
        elif known_passwords:
            pass  # kept as it is; its README password is told, as before
        elif user.check_password(known):
            user.set_password(password)
            user.save(update_fields=["password"])
        else:
            continue
        told.append((username, password, role))
    return told
