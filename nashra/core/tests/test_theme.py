"""The publisher's brand colour reaches reader pages as a stylesheet (nashra.core.theme)."""

import pytest

from nashra.core.models import SiteSettings
from nashra.core.theme import WHITE, _channels, contrast, theme_rules

pytestmark = pytest.mark.django_db


def _set_brand(home, colour):
    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.brand_colour = colour
    site_settings.save()


def test_default_colour_adds_no_request(client, home):
    html = client.get("/").content.decode()
    assert "/theme/" not in html
    assert '<meta name="theme-color" content="#8a1538">' in html


def test_a_new_brand_colour_links_its_stylesheet(client, home):
    _set_brand(home, "#0B6E4F")
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/theme/0b6e4f.css">' in html
    response = client.get("/theme/0b6e4f.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert ":root{--brand:#0b6e4f;--brand-ink:#ffffff;" in response.content.decode()


@pytest.mark.parametrize("path", ["/theme/0B6E4F.css", "/theme/12345.css", "/theme/zzzzzz.css",
                                  "/theme/0b6e4f.css/x"])
def test_only_six_lowercase_hex_digits_make_a_theme(client, home, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("colour, ink", [
    ("8a1538", "#ffffff"),  # the default maroon: white text on it
    ("ffd400", "#1a1a1a"),  # a light yellow: dark text on it
    ("000000", "#ffffff"),
])
def test_text_on_the_brand_and_links_stay_readable(colour, ink):
    css = theme_rules(colour)
    assert f"--brand-ink:{ink}" in css
    link = css.split("--link:")[1][1:7]
    # Links on the white page reach WCAG AA even when the brand is light.
    assert contrast(_channels(link), WHITE) >= 4.5
