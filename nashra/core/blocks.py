"""StreamField blocks shared by every body of text on the site."""

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


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="فقرة",
                                     template="blocks/paragraph.html")
    heading = blocks.CharBlock(label="عنوان فرعي", icon="title", template="blocks/heading.html")
    quote = QuoteBlock()
    image = ImageBlock()
    embed = EmbedBlock(label="تضمين", icon="media", template="blocks/embed.html")

    class Meta:
        block_counts = {}
