"""Write a synthetic WordPress export (WXR 1.2) of an Arabic news site, as a stream.

    .venv/bin/python bench/wordpress_wxr.py OUT.xml [--posts 50000] [--comments 200000]

No Django. Posts alternate between Gutenberg block markup and classic HTML with [caption]
and bare line breaks, as real news sites that lived through WordPress 5.0 do; most carry
tags and a featured image; one in a hundred is a draft, scheduled, private or trashed.
Comments are spread unevenly (most posts get a few, some many), a third are replies, and
they come in the four statuses. Attachments are listed without files (the benchmark runs
without --media-dir, so every one is reported missing, as on a first dry run).
Deterministic for a given --seed.
"""

import argparse
import datetime as dt
import random
import sys
from urllib.parse import quote
from xml.sax.saxutils import escape

SITE = "https://akhbar.example.com"
WORDS = (
    "الحكومة أعلنت اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية وتوفير المياه "
    "وقال وزير الزراعة إن الموسم الحالي شهد تراجعاً في الإنتاج بسبب قلة الأمطار "
    "وأضاف أن الوزارة ستقدم قروضاً ميسرة للمزارعين المتضررين خلال الأشهر المقبلة "
    "وفي سياق متصل طالبت نقابة المهندسين بتسريع مشاريع البنية التحتية في المدن "
    "وشهدت العاصمة احتجاجات على ارتفاع الأسعار بينما دعت الغرفة التجارية إلى الحوار "
    "الفريق الوطني يستعد لمباراة حاسمة في تصفيات كأس العالم الأسبوع المقبل "
    "المدرب أكد جاهزية اللاعبين بعد معسكر تدريبي طويل في الخارج "
    "مهرجان الفيلم العربي يفتتح دورته الجديدة بمشاركة أفلام من عشرين دولة "
    "منظمة الصحة العالمية حذرت من انتشار الأمراض الموسمية مع دخول فصل الشتاء "
    "البنك المركزي أبقى أسعار الفائدة دون تغيير وتوقع نمواً معتدلاً للاقتصاد"
).split()
COMMENT_WORDS = ("شكراً على الخبر الله يحفظ البلد كلام صحيح متى يبدأ التنفيذ "
                 "نتمنى التوفيق للجميع هذا غير مقبول أين المسؤولين الأسعار نار").split()
SPAM = ("أفضل شركة نقل عفش بالرياض بأرخص الأسعار اتصل الآن واتساب 0500000000",
        "ربح 5000 دولار يومياً من البيت اضغط على الرابط https://spam.example/x",
        "شركة تنظيف خزانات بجدة خصم 50% اتصل الآن")
SECTIONS = (("news", "أخبار", ""), ("local", "محليات", "news"), ("arab", "عربي ودولي", "news"),
            ("economy", "اقتصاد", ""), ("markets", "أسواق", "economy"),
            ("sport", "رياضة", ""), ("football", "كرة القدم", "sport"),
            ("culture", "ثقافة", ""), ("health", "صحة", ""), ("tech", "تكنولوجيا", ""),
            ("opinion", "مقالات", ""), ("reports", "تقارير", "news"))
AUTHORS = [(f"writer{i}", f"كاتب {name}") for i, name in enumerate(
    ("رنا حمدان", "خالد أبو عيشة", "سامر عودة", "ليلى منصور", "طارق السعدي", "هبة الزعبي",
     "أحمد النجار", "نور صالح", "يوسف قاسم", "دينا خليل", "محمود زيدان", "سلمى بركات"))]
NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_slug(title: str) -> str:
    """WordPress's way: percent-encoded, lower case, cut at 200 bytes between characters."""
    out = ""
    for char in "-".join(title.split()):
        encoded = quote(char).lower()
        if len(out) + len(encoded) > 200:
            break
        out += encoded
    return out


def sentence(rng, n=None) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n or rng.randint(10, 22))) + "."


def body(rng, wp_id: int, attachment: int | None) -> str:
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
                  for _ in range(rng.randint(3, 8))]
    if wp_id % 2:
        parts = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
        parts.insert(2, '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">'
                     f"{sentence(rng, 5)}</h3>\n<!-- /wp:heading -->")
        if attachment:
            parts.insert(1, f'<!-- wp:image {{"id":{attachment}}} -->\n<figure class="wp-block-'
                         f'image"><img src="{SITE}/wp-content/uploads/2024/01/photo-{attachment}'
                         f'.jpg" class="wp-image-{attachment}"/><figcaption>{sentence(rng, 6)}'
                         "</figcaption></figure>\n<!-- /wp:image -->")
        return "\n\n".join(parts)
    text = "\n\n".join(p.replace(". ", ".\n", 1) for p in paragraphs)
    if attachment:
        text = (f'[caption id="attachment_{attachment}" width="300"]<img class="wp-image-'
                f'{attachment}" src="{SITE}/wp-content/uploads/2024/01/photo-{attachment}'
                f'-300x200.jpg" /> {sentence(rng, 6)}[/caption]\n\n') + text
    return text


def comment_xml(rng, cid: int, parent: int, when: dt.datetime) -> str:
    roll = rng.random()
    status = "1" if roll < 0.85 else "0" if roll < 0.95 else "spam" if roll < 0.98 else "trash"
    text = rng.choice(SPAM) if status == "spam" else " ".join(
        rng.choice(COMMENT_WORDS) for _ in range(rng.randint(4, 25)))
    local = when + dt.timedelta(hours=3)
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{cdata(f'قارئ {cid % 5000}')}</wp:comment_author>"
        f"<wp:comment_author_email>{cdata(f'reader{cid % 5000}@example.net')}"
        "</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>"
        f"<wp:comment_author_IP>{cdata(f'198.51.{cid % 250}.{cid % 200}')}</wp:comment_author_IP>"
        f"<wp:comment_date>{cdata(f'{local:%Y-%m-%d %H:%M:%S}')}</wp:comment_date>"
        f"<wp:comment_date_gmt>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
        f"<wp:comment_approved>{cdata(status)}</wp:comment_approved>"
        f"<wp:comment_type>{cdata('comment')}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0"
        "</wp:comment_user_id></wp:comment>\n"
    )


def write(out, *, posts: int, comments: int, seed: int) -> None:
    rng = random.Random(seed)
    w = out.write
    w(f'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" {NS}>\n<channel>\n'
      f"<title>أخبار المدينة</title><link>{SITE}</link><language>ar</language>\n"
      f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>"
      f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n")
    for i, (login, name) in enumerate(AUTHORS, 1):
        w(f"<wp:author><wp:author_id>{i}</wp:author_id><wp:author_login>{cdata(login)}"
          f"</wp:author_login><wp:author_email>{login}@akhbar.example.com</wp:author_email>"
          f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>\n")
    for i, (slug, name, parent) in enumerate(SECTIONS, 2):
        w(f"<wp:category><wp:term_id>{i}</wp:term_id><wp:category_nicename>{slug}"
          f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
          f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
    tags = [" ".join(rng.sample(WORDS, 2)) for _ in range(400)]
    start = dt.datetime(2016, 1, 1)
    span = dt.datetime(2025, 12, 31) - start
    next_comment = 1
    remaining = comments
    next_attachment = posts + 1
    for n in range(posts):
        wp_id = n + 1
        when = start + span * (n / posts) + dt.timedelta(minutes=rng.randint(0, 600))
        local = when + dt.timedelta(hours=3)
        status = rng.choices(("publish", "draft", "future", "private", "trash"),
                             (96, 1, 1, 1, 1))[0]
        if status == "future":
            when = dt.datetime(2099, 1, 1) + dt.timedelta(minutes=n)
            local = when + dt.timedelta(hours=3)
        attachment = next_attachment if rng.random() < 0.3 else None
        if attachment:
            next_attachment += 1
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12)))
        slug = wp_slug(title) if n % 3 else f"story-{wp_id}"
        section = rng.choice(SECTIONS)
        post_tags = rng.sample(tags, rng.randint(0, 4))
        # Comments: a long tail, so the average lands on --comments / --posts.
        left = posts - n
        mean = remaining / left if left else 0
        count = min(remaining, int(rng.expovariate(1 / mean)) if mean > 0 else 0)
        if left == 1:
            count = remaining
        remaining -= count
        ids = []
        parts = []
        for _ in range(count):
            cid = next_comment
            next_comment += 1
            parent = rng.choice(ids) if ids and rng.random() < 0.33 else 0
            ids.append(cid)
            parts.append(comment_xml(rng, cid, parent,
                                     when + dt.timedelta(minutes=10 + len(ids))))
        meta = (f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>"
                f"{attachment}</wp:meta_value></wp:postmeta>" if attachment else "")
        w(
            f"<item><title>{cdata(title)}</title>"
            f"<link>{SITE}/{local:%Y/%m}/{slug}/</link><dc:creator>{cdata(rng.choice(AUTHORS)[0])}"
            f'</dc:creator><guid isPermaLink="false">{SITE}/?p={wp_id}</guid>'
            f"<content:encoded>{cdata(body(rng, wp_id, attachment))}</content:encoded>"
            f"<excerpt:encoded>{cdata(sentence(rng) if rng.random() < 0.5 else '')}"
            f"</excerpt:encoded><wp:post_id>{wp_id}</wp:post_id>"
            f"<wp:post_date>{cdata(f'{local:%Y-%m-%d %H:%M:%S}')}</wp:post_date>"
            f"<wp:post_date_gmt>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:post_date_gmt>"
            f"<wp:post_modified>{cdata(f'{local:%Y-%m-%d %H:%M:%S}')}</wp:post_modified>"
            f"<wp:post_modified_gmt>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:post_modified_gmt>"
            f"<wp:post_name>{cdata(slug)}</wp:post_name><wp:status>{cdata(status)}</wp:status>"
            "<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
            "<wp:post_password></wp:post_password>"
            f'<category domain="category" nicename="{section[0]}">{cdata(section[1])}</category>'
            + "".join(f'<category domain="post_tag" nicename="{quote(t).lower()}">{cdata(t)}'
                      "</category>" for t in post_tags)
            + meta + "\n" + "".join(parts) + "</item>\n"
        )
    for attachment in range(posts + 1, next_attachment):
        w(f"<item><title>photo-{attachment}</title><wp:post_id>{attachment}</wp:post_id>"
          "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
          f"<wp:attachment_url>{SITE}/wp-content/uploads/2024/01/photo-{attachment}.jpg"
          f"</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
          f"<wp:meta_value>2024/01/photo-{attachment}.jpg</wp:meta_value></wp:postmeta>"
          f"<excerpt:encoded>{escape('صورة')}</excerpt:encoded></item>\n")
    w("</channel>\n</rss>\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8") as out:
        write(out, posts=args.posts, comments=args.comments, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
