"""A real browser posts comments with JavaScript: a token fetched for a cacheable page, no
reload, a reply moved under its comment, name and email remembered only in the browser.

Debian's chromium (never a downloaded one); skipped when it is not installed.
"""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def story(make_article):
    from wagtail.models import Site

    from nashra.comments.models import CommentSettings

    config = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    config.min_fill_seconds = 1
    config.save()
    return make_article(title="خبر للتعليق عليه")


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="ar")
        yield context.new_page()
        browser.close()


def _fill_and_send(page, body, *, name="ريم", email="reem@example.org"):
    form = page.locator("[data-comment-form]")
    form.locator("textarea[name=body]").click()  # first focus fetches the token
    page.wait_for_function(
        "document.querySelector('[data-comment-form] [name=csrfmiddlewaretoken]').value !== ''")
    form.locator("textarea[name=body]").fill(body)
    if name:
        form.locator("[name=author_name]").fill(name)
        form.locator("[name=author_email]").fill(email)
    page.wait_for_timeout(1100)  # past the minimum fill time set above
    form.locator("button[type=submit]").click()


def test_post_reply_and_remember_without_reload(live_server, story, page):
    from playwright.sync_api import expect

    page.goto(live_server.url + story.url)
    page.evaluate("window.__sameDocument = true")
    page.locator("[data-remember] input").check()
    expect(page.locator(".comments__empty")).to_be_visible()
    _fill_and_send(page, "أتفق مع ما جاء في الخبر، شكرًا للتغطية.")
    expect(page.locator("[data-status]")).to_have_text("شكرًا لك، نُشر تعليقك.")
    expect(page.locator(".comments__list .comment__body")).to_have_text(
        "أتفق مع ما جاء في الخبر، شكرًا للتغطية.")
    # «لا تعليقات بعد» goes with the first comment.
    expect(page.locator(".comments__empty")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert "reem@example.org" in page.evaluate("localStorage.getItem('nashra.commenter')")

    # Reply: the form moves under the comment and the reply nests there.
    page.locator("[data-reply-to]").first.click()
    expect(page.locator("[data-replying]")).to_be_visible()
    _fill_and_send(page, "وأنا كذلك أتفق معك.", name="")
    expect(page.locator(".comments__replies .comment__body")).to_have_text("وأنا كذلك أتفق معك.")

    # A borderline comment is held and shown to its poster marked so.
    _fill_and_send(page, "رأيي أن الخطة جيدة، اتصلوا على 0555123456 للاستفسار", name="")
    expect(page.locator(".comment--pending .comment__held")).to_have_text("تعليقك بانتظار المراجعة")

    # Next visit: name and email come back from this browser, not from the server.
    page.reload()
    expect(page.locator("[name=author_name]")).to_have_value("ريم")
    expect(page.locator("[name=author_email]")).to_have_value("reem@example.org")
    expect(page.locator(".comment--pending")).to_have_count(0)
