"""StreamField blocks shared by every body of text on the site."""

from django.utils.html import format_html
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="الاقتباس")
    attribution = blocks.CharBlock(label="القائل", required=False)

    class Meta:
        icon = "openquote"
        label = "اقتباس"
        template = "blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="الصورة")
    caption = blocks.CharBlock(label="التعليق", required=False,
                               help_text="يُستخدم تعليق الصورة المحفوظ إن تُرك فارغاً.")
    credit = blocks.CharBlock(label="المصدر", required=False)

    class Meta:
        icon = "image"
        label = "صورة"
        template = "blocks/image.html"


class HeadingBlock(blocks.CharBlock):
    """A subheading: <h2>, written here rather than through a template (a story has many
    blocks, and a template render each was a tenth of an uncached story page)."""

    def render_basic(self, value, context=None):
        return format_html("<h2>{}</h2>", value)


class ArticleBodyBlock(blocks.StreamBlock):
    # A paragraph renders as its rich text (Wagtail's own render_basic), with links expanded.
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="فقرة")
    heading = HeadingBlock(label="عنوان فرعي", icon="title")
    quote = QuoteBlock()
    image = ImageBlock()
    embed = EmbedBlock(label="تضمين", icon="media", template="blocks/embed.html")

    class Meta:
        block_counts = {}
