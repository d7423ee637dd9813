"""Editors' synonym sets, and the vocabulary of the index that close spellings are read from."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from wagtail.admin.panels import FieldPanel

from .expansion import MAX_PHRASE_TERMS, analysed_phrases, parse_terms

MAX_PHRASES = 20


class SynonymSet(models.Model):
    """Words an editor wants found together. Effective on the next search: nothing is
    reindexed, the reader's query is expanded (nashra.search.expansion)."""

    terms = models.TextField(
        "الكلمات",
        help_text="كلمتان أو عبارتان أو أكثر، تفصل بينها فاصلة أو سطر جديد، مثل: "
                  "البترول، النفط. تكفي كتابة الكلمة مرة واحدة بلا «ال» أو تشكيل.",
    )
    one_way = models.BooleanField(
        "في اتجاه واحد", default=False,
        help_text="إن اخترته: البحث بالكلمة الأولى يجد أخبار البقية، والبحث بالبقية لا يجد "
                  "أخبار الأولى. وإلا فكل كلمة تجد أخبار الأخرى.",
    )
    note = models.CharField("ملاحظة", max_length=200, blank=True,
                            help_text="لماذا أضيفت هذه المجموعة (لا تظهر للقراء).")
    updated_at = models.DateTimeField("آخر تعديل", auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("one_way"), FieldPanel("note")]

    class Meta:
        verbose_name = "مجموعة مرادفات"
        verbose_name_plural = "المرادفات"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        words, one_way = parse_terms(self.terms)
        return (" ← " if one_way else "، ").join(words[:2]) + ("…" if len(words) > 2 else "")

    def save(self, *args, **kwargs):
        from .services import synonym_phrases_sync

        with transaction.atomic():
            super().save(*args, **kwargs)
            synonym_phrases_sync(synonym_set=self)

    def phrases(self):
        return analysed_phrases(parse_terms(self.terms)[0])

    def clean(self):
        words, _ = parse_terms(self.terms or "")
        if len(words) > MAX_PHRASES:
            raise ValidationError({"terms": f"المجموعة الواحدة لا تزيد على {MAX_PHRASES} كلمة."})
        for word in words:
            phrase = analysed_phrases([word])
            if not phrase:
                raise ValidationError({"terms": f"«{word}» لا تحمل كلمات يبحث بها "
                                                "(حروف جر أو رموز فقط)."})
            if len(phrase[0]) > MAX_PHRASE_TERMS:
                raise ValidationError({"terms": f"«{word}» أطول من {MAX_PHRASE_TERMS} كلمات."})
        if len(self.phrases()) < 2:
            raise ValidationError({"terms": "اكتب كلمتين مختلفتين على الأقل."})


class SynonymPhrase(models.Model):
    """One phrase of a set in analysed form: the query's runs of terms are looked up here."""

    synonym_set = models.ForeignKey(SynonymSet, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField()
    analysed = models.CharField(max_length=400, db_index=True)

    class Meta:
        ordering = ["synonym_set", "position"]

    def __str__(self) -> str:
        return self.analysed


class VocabularyTerm(models.Model):
    """An analysed term of the indexed stories and about how many stories hold it (edits of
    a story count again; `nashra update-search-index` counts afresh)."""

    term = models.CharField(max_length=40, unique=True)
    stories = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term


class SpellingKey(models.Model):
    """A vocabulary term filed under itself and each form with one letter deleted."""

    key = models.CharField(max_length=40, db_index=True)
    term = models.ForeignKey(VocabularyTerm, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return self.key
