"""The comment form's help texts are where its fields' aria-describedby points."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_described_by_names_an_element_of_the_page(client, make_article):
    story = make_article(title="خبر بتعليقات")
    html = client.get(story.url).content.decode()
    form = html[html.index('class="comment-form"'):]
    refs = re.findall(r'aria-describedby="([^"]+)"', form)
    assert refs, "no field of the form is described"
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert [ref for value in refs for ref in value.split() if ref not in ids] == []
