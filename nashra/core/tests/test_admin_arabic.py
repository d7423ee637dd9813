"""The admin speaks Arabic, right to left, and will not take an image without alt text."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Collection

from nashra.core.forms import ALT_TEXT_REQUIRED
from nashra.core.models import NashraImage

pytestmark = pytest.mark.django_db

# The message nashra/core/forms.py means to show when the alt text is missing.
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin", email="admin@example.com", password="x"
    )
    client.force_login(user)
    client.user = user
    return client


def png_upload(name="red.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 9), "#b22222").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def image_form_data(**overrides):
    data = {
        "title": "علم أحمر",
        "file": png_upload(),
        "description": "",
        "collection": Collection.get_first_root_node().id,
        "tags": "",
        "caption": "",
        "credit": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("url_name", "args", "wagtail_strings"),
    [
        # "Dashboard"
        ("wagtailadmin_home", (), ["<title>لوحة التحكم"]),
        # "Exploring: …" and the "Sort menu order" action of the page explorer
        ("wagtailadmin_explore", "home", ["<title>استكشاف: الرئيسية", "ترتيب قائمة الفرز"]),
    ],
)
def test_admin_renders_in_arabic_right_to_left(admin_client, home, url_name, args,
                                                wagtail_strings):
    args = (home.id,) if args == "home" else args
    response = admin_client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    for text in wagtail_strings:
        assert text in html
    assert "<title>Dashboard" not in html and "<title>Exploring" not in html


@pytest.mark.parametrize(
    "description",
    [
        "",  # left empty
        "   ",  # only spaces
        " \u200f ",  # a right-to-left mark, which an Arabic keyboard types unseen
    ],
)
def test_image_upload_without_alt_text_is_refused(admin_client, description):
    response = admin_client.post(reverse("wagtailimages:add"),
                                 image_form_data(description=description))
    assert response.status_code == 200  # the form again, not a redirect
    assert not NashraImage.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == ["description"]
    assert all(ARABIC_LETTER.search(message) for message in errors["description"])
    assert errors["description"][0] in response.content.decode()


def test_image_upload_without_alt_text_explains_what_alt_text_is(admin_client):
    response = admin_client.post(reverse("wagtailimages:add"), image_form_data())
    assert response.context["form"].errors["description"] == [ALT_TEXT_REQUIRED]
    assert ALT_TEXT_REQUIRED in response.content.decode()


def test_image_upload_with_alt_text_is_saved(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        image_form_data(description="علم أحمر يرفرف فوق مبنى البلدية", credit="نشرة"),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    image = NashraImage.objects.get()
    assert image.title == "علم أحمر"
    assert image.description == "علم أحمر يرفرف فوق مبنى البلدية"
    assert image.credit == "نشرة"
    assert (image.width, image.height) == (16, 9)
    assert image.uploaded_by_user == admin_client.user


def test_bulk_uploader_holds_an_image_without_alt_text_back(admin_client):
    # The drag-and-drop uploader posts only the file; with alt text required, Wagtail keeps
    # the file aside and asks for the details instead of creating the image.
    response = admin_client.post(reverse("wagtailimages:add_multiple"),
                                 {"files[]": png_upload("drop.png")})
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is True
    assert "uploaded_file_id" in data and "image_id" not in data
    assert not NashraImage.objects.exists()
