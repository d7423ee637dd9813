"""What came from which WordPress site: the ids that make a second import an update.

Every row is keyed on the site's URL and WordPress's own id, so two sites merged into one
nashra never collide and re-importing a file finds what it made the first time. `digest`
is a hash of what the import wrote; an unchanged post or comment is not written again.
The nashra object may be deleted later (an editor removes a story, the purge removes old
spam): the row stays with a null link, so the import does not bring it back.
"""

from django.db import models


class ImportedItem(models.Model):
    """One WordPress object (post, comment or attachment) of one site, by its WordPress id."""

    site_url = models.CharField(max_length=200)
    wp_id = models.PositiveBigIntegerField()

    class Meta:
        abstract = True
        constraints = [models.UniqueConstraint(fields=["site_url", "wp_id"],
                                               name="%(app_label)s_%(class)s_once")]

    def __str__(self):
        return f"{self.site_url} #{self.wp_id}"


class ImportedPost(ImportedItem):
    page = models.ForeignKey("wagtailcore.Page", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    status = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta(ImportedItem.Meta):
        verbose_name = "مقال مستورد من ووردبريس"


class ImportedComment(ImportedItem):
    comment = models.ForeignKey("comments.Comment", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    digest = models.CharField(max_length=64)

    class Meta(ImportedItem.Meta):
        verbose_name = "تعليق مستورد من ووردبريس"


class ImportedAttachment(ImportedItem):
    image = models.ForeignKey("core.NashraImage", null=True, on_delete=models.SET_NULL,
                              related_name="+")
    file = models.CharField(max_length=500, blank=True)

    class Meta(ImportedItem.Meta):
        verbose_name = "مرفق مستورد من ووردبريس"


class ImportedAuthor(models.Model):
    """A WordPress user: the login and e-mail stay here, never on the public author page."""

    site_url = models.CharField(max_length=200)
    login = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    author = models.ForeignKey("news.Author", null=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name = "كاتب مستورد من ووردبريس"
        constraints = [models.UniqueConstraint(fields=["site_url", "login"],
                                               name="wordpress_author_once")]

    def __str__(self):
        return f"{self.site_url} {self.login}"


class ImportedCategory(models.Model):
    site_url = models.CharField(max_length=200)
    slug = models.CharField(max_length=200)
    section = models.ForeignKey("wagtailcore.Page", null=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        verbose_name = "تصنيف مستورد من ووردبريس"
        constraints = [models.UniqueConstraint(fields=["site_url", "slug"],
                                               name="wordpress_category_once")]

    def __str__(self):
        return f"{self.site_url} {self.slug}"
