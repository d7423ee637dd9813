"""The read-only headless API for the publisher's apps: Wagtail's API v2 at /api/v2/.

Endpoints: articles (filters by section, tag, author and date; ordered; paginated), sections,
authors and images (with renditions). Only live, public pages and the images they show; JSON
only; renditions only as already made; every response is cached and dropped on publish like
the feeds (see cache.py and docs/api.md).
"""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.db.models import DateField, IntegerField, Prefetch
from django.http import Http404
from django.utils import timezone
from rest_framework.fields import Field
from rest_framework.renderers import JSONRenderer
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.images.models import Filter
from wagtail.utils.urlpatterns import decorate_urlpatterns

from nashra.core.inputs import MAX_ID, day_in_range, has_nul, whole_number
from nashra.news import selectors as news_selectors
from nashra.news.models import ArticlePage, ArticlePageAuthor, Author, SectionPage

from . import links
from .cache import cached_response
from .selectors import AUTHOR_PHOTO_RENDITION, CARD_RENDITION, SHARE_RENDITION

API_CACHE_SECONDS = 5 * 60
# Far past any archive, and an OFFSET every database takes (2**63 overflows PostgreSQL's and
# SQLite's, and Python's int reads a number of any length).
API_MAX_OFFSET = 10**9


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # Wagtail's own answer for it
        if offset > API_MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {API_MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class PublicEndpoint:
    """What every endpoint shares: JSON only, and input no row can match refused with a 400
    or 404 before any query, the same way on every database (nashra.core.inputs).

    One representation per URL, so a cached response is right for every client. PostgreSQL
    cannot hold a NUL character in text, so no slug, path or search term has one.
    """

    renderer_classes = [JSONRenderer]
    pagination_class = BoundedPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            if has_nul(name, *values):
                raise BadRequestError(f"{name!r}: null characters are not allowed")
        if request.GET.get("search_operator", "and") not in ("and", "or"):
            raise BadRequestError("search_operator: expected 'and' or 'or'")
        if "pk" in kwargs and whole_number(kwargs["pk"]) is None:
            raise Http404("not found")  # past any id: the query would overflow

    def find_object(self, queryset, request):
        if "id" in request.GET and whole_number(request.GET["id"]) is None:
            raise BadRequestError("id: expected a whole number")
        return super().find_object(queryset, request)

    def filter_queryset(self, queryset):
        # Wagtail's field filters convert booleans and integers; a date or any other field
        # given a value it cannot read raises ValidationError, which Wagtail lets through.
        self._check_filters(queryset.model)
        try:
            return super().filter_queryset(queryset)
        except ValidationError as error:
            raise BadRequestError(f"field filter error: {' '.join(error.messages)}") from None

    def _check_filters(self, model):
        """Field filters whose value would overflow in the query: a number past any id on a
        key (`?alias_of=`; Django checks the range of an integer field, not of a key to one),
        or a day at an end of the calendar (`?first_published_at=0001-01-01`, moved to UTC)."""
        fields = set(self.get_available_fields(model, db_fields_only=True))
        for name, value in self.request.GET.items():
            if name not in fields:
                continue
            field = model._meta.get_field(name)
            while field.is_relation and getattr(field, "target_field", None) is not None:
                field = field.target_field
            try:
                if isinstance(field, IntegerField):
                    in_range = abs(int(value)) <= MAX_ID
                elif isinstance(field, DateField):  # and DateTimeField
                    day = field.to_python(value)
                    in_range = day is None or day_in_range(
                        day.date() if isinstance(day, dt.datetime) else day)
                else:
                    continue
            except (ValueError, ValidationError):
                continue  # the filter itself answers it
            if not in_range:
                raise BadRequestError(f"{name}: {value!r} is out of range")


class RenditionField(ImageRenditionField):
    """A rendition the site has already made (at publish, or by its own pages), its full_url
    on the site's host like every other link here; null while there is none. An API request
    never makes one: anyone could otherwise fill the disk and the encoders by walking the
    listings (subscribers.api_renditions_make makes them when a story is published or an author
    saved).
    """

    def to_representation(self, image):
        rendition = image.find_existing_renditions(self.filter).get(self.filter)
        if rendition is None:
            return None
        return {"url": rendition.url,
                "full_url": links.absolute(self.context["request"], rendition.url),
                "width": rendition.width, "height": rendition.height, "alt": rendition.alt}

    @functools.cached_property
    def filter(self) -> Filter:
        return Filter(spec=self.filter_spec)


class SectionRefField(Field):
    """The story's section, from the cached section map (no query per story)."""

    def to_representation(self, page_path):
        section = news_selectors.section_for_path(page_path)
        if section is None:
            return None
        return {"id": section.id, "title": section.title,
                "html_url": links.absolute(self.context["request"], section.url)}


class BylineField(Field):
    def to_representation(self, article):
        request = self.context["request"]
        return [
            {"id": row.author.pk, "name": row.author.name, "slug": row.author.slug,
             "html_url": links.author_url(request, row.author)}
            for row in article.byline
        ]


class TagsField(Field):
    def to_representation(self, manager):
        return [{"name": tag.name, "slug": tag.slug} for tag in manager.all()]


class ShortUrlField(Field):
    def to_representation(self, page_id):
        return links.short_url(self.context["request"], page_id)


class HtmlUrlField(Field):
    def to_representation(self, author):
        return links.author_url(self.context["request"], author)


def _date(value: str, name: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequestError(f"{name}: expected a date like 2025-03-01") from None
    if not day_in_range(day):
        raise BadRequestError(f"{name}: the date is out of range")
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ArticlesAPIViewSet(PublicEndpoint, PagesAPIViewSet):
    name = "articles"
    model = ArticlePage
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        ["section", "tag", "author", "published_after", "published_before"]
    )
    body_fields = PagesAPIViewSet.body_fields + [
        "standfirst", "source", "body",
        APIField("hero_image", serializer=RenditionField(SHARE_RENDITION)),
        APIField("hero_card", serializer=RenditionField(CARD_RENDITION,
                                                             source="hero_image")),
        APIField("section", serializer=SectionRefField(source="path")),
        APIField("authors", serializer=BylineField(source="*")),
        APIField("tags", serializer=TagsField()),
    ]
    meta_fields = PagesAPIViewSet.meta_fields + [
        "last_published_at", APIField("short_url", serializer=ShortUrlField(source="pk")),
    ]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + [
        "standfirst", "section", "authors", "hero_card", "last_published_at",
    ]

    def get_queryset(self):
        params = self.request.GET
        articles = ArticlePage.objects.filter(
            pk__in=self.get_base_queryset().type(ArticlePage).values("pk")
        )
        if "section" in params:
            section_id = whole_number(params["section"])  # not past any id: no overflow
            section = (SectionPage.objects.live().filter(pk=section_id).first()
                       if section_id is not None else None)
            if section is None:
                raise BadRequestError("section: no section with this id")
            articles = articles.descendant_of(section)
        if "tag" in params:
            articles = articles.filter(tags__slug=params["tag"])
        if "author" in params:
            articles = articles.filter(article_authors__author__slug=params["author"])
        if "published_after" in params:
            articles = articles.filter(
                first_published_at__gte=_date(params["published_after"], "published_after"))
        if "published_before" in params:
            articles = articles.filter(
                first_published_at__lt=_date(params["published_before"], "published_before"))
        return (
            articles.select_related("hero_image")
            .prefetch_related(
                "hero_image__renditions", "tags",
                Prefetch("article_authors", to_attr="byline",
                         queryset=ArticlePageAuthor.objects.select_related("author")
                         .order_by("sort_order")),
            )
            .order_by("-first_published_at", "-id")
        )


class SectionsAPIViewSet(PublicEndpoint, PagesAPIViewSet):
    name = "sections"
    model = SectionPage
    known_query_parameters = PagesAPIViewSet.known_query_parameters
    body_fields = PagesAPIViewSet.body_fields + ["intro"]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + ["intro", "parent"]
    detail_only_fields = []

    def get_queryset(self):
        return SectionPage.objects.filter(
            pk__in=self.get_base_queryset().type(SectionPage).values("pk")
        ).order_by("path")


class AuthorsAPIViewSet(PublicEndpoint, BaseAPIViewSet):
    name = "authors"
    model = Author
    filter_backends = [FieldsFilter, OrderingFilter, SearchFilter]
    body_fields = BaseAPIViewSet.body_fields + [
        "name", "slug", "bio",
        APIField("photo", serializer=RenditionField(AUTHOR_PHOTO_RENDITION)),
    ]
    meta_fields = BaseAPIViewSet.meta_fields + [
        APIField("html_url", serializer=HtmlUrlField(source="*")),
    ]
    listing_default_fields = BaseAPIViewSet.listing_default_fields + ["name", "slug", "html_url"]

    def get_queryset(self):
        return Author.objects.select_related("photo").prefetch_related(
            "photo__renditions").order_by("name", "id")


class NashraImagesAPIViewSet(PublicEndpoint, ImagesAPIViewSet):
    body_fields = ImagesAPIViewSet.body_fields + [
        "description", "caption", "credit",
        APIField("card", serializer=RenditionField(CARD_RENDITION, source="*")),
        APIField("large", serializer=RenditionField(SHARE_RENDITION, source="*")),
    ]
    listing_default_fields = ImagesAPIViewSet.listing_default_fields + [
        "description", "card",
    ]

    def get_queryset(self):
        # Only what a live, public story shows: never an unused picture (an embargoed one,
        # with its original's download_url), nor one only a private story or a draft has.
        return (super().get_queryset()
                .filter(pk__in=news_selectors.public_story_image_ids())
                .prefetch_related("renditions"))


api_router = WagtailAPIRouter("nashra_api")
api_router.register_endpoint("articles", ArticlesAPIViewSet)
api_router.register_endpoint("sections", SectionsAPIViewSet)
api_router.register_endpoint("authors", AuthorsAPIViewSet)
api_router.register_endpoint("images", NashraImagesAPIViewSet)


def urls():
    """For include(): the router's URLs, every view behind the response cache."""
    patterns = decorate_urlpatterns(api_router.get_urlpatterns(),
                                    cached_response(timeout=API_CACHE_SECONDS))
    return patterns, api_router.url_namespace, api_router.url_namespace
