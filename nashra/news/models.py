import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultipleChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, re_path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from nashra.arabic.normalize import clean_for_slug
from nashra.core import fragments
from nashra.core.blocks import ArticleBodyBlock
from nashra.core.pagecache import CachedPageMixin
from nashra.core.pages import ViewRestrictionsMixin, public
from nashra.core.search import AnalysedSearchField

UPDATE_GRACE_SECONDS = 5 * 60


def arabic_slugify(text: str) -> str:
    """A slug that keeps Arabic letters and drops diacritics, tatweel and invisible marks."""
    return slugify(clean_for_slug(text), allow_unicode=True)[:255]


def _paginate(request, items, per_page, *, count_name: str = ""):
    """One page of a listing. `count_name` names the listing for its kept count: counting a
    section's 100,000 stories is most of its render on PostgreSQL (news.selectors)."""
    paginator = Paginator(items, per_page)
    if count_name:
        from . import selectors

        paginator.count = selectors.listing_count(request=request, name=count_name,
                                                  queryset=items)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        raise Http404("رقم الصفحة غير صالح") from None
    except EmptyPage:
        raise Http404("لا توجد صفحة بهذا الرقم") from None


class Author(index.Indexed, models.Model):
    name = models.CharField("الاسم", max_length=120)
    slug = models.SlugField("المعرّف في الرابط", max_length=140, unique=True, allow_unicode=True,
                            blank=True)
    bio = models.TextField("نبذة قصيرة", max_length=600, blank=True)
    photo = models.ForeignKey(
        "core.NashraImage", verbose_name="الصورة", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "كاتب"
        verbose_name_plural = "الكتّاب"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = arabic_slugify(self.name) or "author"
        super().save(*args, **kwargs)


register_snippet(Author)


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("news.ArticlePage", on_delete=models.CASCADE,
                                 related_name="tagged_items")


class HomePage(ViewRestrictionsMixin, CachedPageMixin, RoutablePageMixin, Page):
    """The front page; tag and author pages hang off it as routes."""

    intro = models.CharField("وصف الموقع", max_length=300, blank=True,
                             help_text="يظهر في نتائج محركات البحث.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage"]
    max_count = 1

    class Meta:
        verbose_name = "الصفحة الرئيسية"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["section_blocks"] = selectors.home_sections_with_latest(home=self, per_section=14)
        context["latest"] = selectors.articles_latest(limit=12)  # lead, 3 under it, a rail of 6
        return context

    def route(self, request, path_components):
        """Wagtail's routing, with a story or section found in one query instead of two per
        URL segment. Tag and author routes still come first; anything the lookup does not
        find (a 404, most likely) goes through Wagtail's own routing, unchanged."""
        from . import selectors

        if path_components and _default_routing_below_home() and not self._own_route(
            path_components
        ):
            page = selectors.page_for_url_path(root=self, components=path_components)
            if page is not None:
                # Like Wagtail: only the page itself must be live; its own route decides.
                return page.route(request, [])
        return super().route(request, path_components)

    def _own_route(self, path_components) -> bool:
        if not self.live:
            return False
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @classmethod
    def reverse_subpage_static(cls, route: str, slug: str) -> str:
        """The path of a tag or author page below the home page, with no query (the route is
        reversed once per process; a card's tag links are then a string replacement)."""
        if not ROUTE_SLUG_RE.fullmatch(slug):  # what the routes' pattern refuses: let it say so
            return cls().reverse_subpage(route, kwargs={"slug": slug})
        return _route_template(cls, route).replace(ROUTE_SLUG, quote(slug, safe=REVERSE_SAFE), 1)

    @re_path(r"^tag/(?P<slug>[-\w]+)/$", name="tag")
    def tag_page(self, request, slug):
        from . import selectors

        tag = get_object_or_404(ArticleTag.tag_model(), slug=slug)
        page = _paginate(request, selectors.articles_with_tag(tag=tag), selectors.PAGE_SIZE,
                         count_name=f"tag:{tag.pk}")
        return self.render(
            request,
            context_overrides={"tag": tag, "articles": page, "title": f"وسم: {tag.name}"},
            template="news/tag_page.html",
        )

    @re_path(r"^author/(?P<slug>[-\w]+)/$", name="author")
    def author_page(self, request, slug):
        from . import selectors

        author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
        page = _paginate(request, selectors.articles_by_author(author=author),
                         selectors.PAGE_SIZE, count_name=f"author:{author.pk}")
        return self.render(
            request,
            context_overrides={"author": author, "articles": page, "title": author.name},
            template="news/author_page.html",
        )


class SectionPage(ViewRestrictionsMixin, CachedPageMixin, Page):
    """A section of the paper; sections nest (أخبار › عربية ودولية)."""

    intro = models.CharField("وصف القسم", max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["news.HomePage", "news.SectionPage"]
    subpage_types = ["news.SectionPage", "news.ArticlePage", "live.LiveStoryPage"]

    class Meta:
        verbose_name = "قسم"
        verbose_name_plural = "الأقسام"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["subsections"] = public(self.get_children().live().type(SectionPage))
        context["articles"] = _paginate(
            request, selectors.articles_in_section(section=self), selectors.PAGE_SIZE,
            count_name=f"section:{self.pk}",
        )
        return context


class ArticlePage(ViewRestrictionsMixin, CachedPageMixin, Page):
    """One story. The headline is the page title."""

    standfirst = models.TextField(
        "المقدمة", max_length=600, blank=True,
        help_text="سطر أو سطران يلخصان الخبر؛ يظهر تحت العنوان وفي القوائم.",
    )
    source = models.CharField(
        "المصدر/الوكالة", max_length=120, blank=True, help_text="مثل: الأناضول، رويترز"
    )
    hero_image = models.ForeignKey(
        "core.NashraImage", verbose_name="الصورة الرئيسية", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name="نص الخبر")
    tags = ClusterTaggableManager("الوسوم", through=ArticleTag, blank=True)
    external_id = models.CharField(
        "المعرّف الخارجي", max_length=200, unique=True, null=True, blank=True, editable=False,
        help_text="معرّف الخبر في النظام الذي استُورد منه.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        FieldPanel("source"),
        MultipleChooserPanel("article_authors", chooser_field_name="author", label="الكتّاب",
                             heading="الكتّاب"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]

    # Readers' search matches the analysed text (see nashra.core.search); the analysed
    # headline keeps the field name "title" so database backends file it in their title
    # column. Page's own fields stay for the admin's page search, which sends raw words.
    search_fields = [
        *Page.search_fields,
        AnalysedSearchField("title", boost=3),
        AnalysedSearchField("standfirst", boost=2),
        AnalysedSearchField("body"),
        index.FilterField("first_published_at"),
    ]

    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    # A copy is a new story: it must not claim the original's identity in the source system.
    exclude_fields_in_copy = ["external_id"]

    class Meta:
        verbose_name = "خبر"
        verbose_name_plural = "الأخبار"

    def clean(self):
        super().clean()
        if self.title and not self.title.strip():
            raise ValidationError({"title": "العنوان لا يكون فراغاً."})

    def save(self, *args, **kwargs):
        # An alias (the same story shown in a second section) copies every field and keeps
        # them in step with its source, the import identity included: only the source holds
        # it (Wagtail's alias copy cannot leave fields out).
        if self.alias_of_id is not None:
            self.external_id = None
        return super().save(*args, **kwargs)

    def shown_image_ids(self) -> set[int]:
        """The images this version of the story shows: its hero and its image blocks."""
        ids = {self.hero_image_id}
        ids.update(block["value"].get("image") for block in self.body.raw_data
                   if block["type"] == "image" and isinstance(block.get("value"), dict))
        return {i for i in ids if isinstance(i, int)}

    @property
    def was_updated(self) -> bool:
        """A re-publish counts as an update once it is more than a few minutes after the first."""
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and (last - first).total_seconds() > UPDATE_GRACE_SECONDS)

    @property
    def section(self):
        from . import selectors

        return selectors.section_for_path(self.path)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        # Read only when the story's kept copy (article_page.html) must be rendered again.
        context["authors"] = SimpleLazyObject(lambda: selectors.article_authors(article=self))
        context["tags"] = SimpleLazyObject(lambda: selectors.article_tags(article=self))
        gens = fragments.generations(request)
        # The release's static files too: the kept copy links to their hashed names.
        context["fragment_generation"] = (*gens, getattr(staticfiles_storage, "manifest_hash", ""))
        # Not kept while a read replica may not have the latest change yet.
        context["fragment_seconds"] = (0 if fragments.young(gens[1])
                                       else settings.NASHRA_FRAGMENT_SECONDS)
        return context


class ArticlePageAuthor(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+",
                               verbose_name="الكاتب")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = "كاتب الخبر"
        unique_together = [("page", "author")]


ROUTE_SLUG = "SLUG"
ROUTE_SLUG_RE = re.compile(r"[-\w]+")  # the slug pattern of HomePage's tag and author routes
# What django.urls.reverse() leaves unquoted in a path (RFC 3986 sub-delimiters and "/~:@").
REVERSE_SAFE = "!$&'()*+,;=/~:@"


@functools.cache
def _route_template(page_class, route: str) -> str:
    return page_class().reverse_subpage(route, kwargs={"slug": ROUTE_SLUG})


def _default_routing_below_home() -> bool:
    """The one-query lookup stands for Wagtail's walk only while no page type below the home
    page routes its own sub-paths."""
    return SectionPage.route is Page.route and ArticlePage.route is Page.route


class StoryFootprint(models.Model):
    """The reader pages a story appeared on when it was last purged (news.purge)."""

    page_id = models.BigIntegerField(primary_key=True)
    paths = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "صفحات ظهور الخبر"

    def __str__(self):
        return f"{self.page_id}: {len(self.paths)}"


class StoryImage(models.Model):
    """An image a story's published text shows (its hero or an image block), written when it
    is published: the headless API lists an image only while a live, public story shows it,
    without reading every story's body (news.services.story_images_set)."""

    story = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey("core.NashraImage", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "صورة في خبر"
        constraints = [models.UniqueConstraint(fields=["story", "image"],
                                               name="news_storyimage_unique")]

    def __str__(self):
        return f"{self.story_id}: {self.image_id}"
