"""Index glue: what the search backends store is the analysed text, not the raw text.

SQLite FTS5, PostgreSQL and Elasticsearch each tokenize and stem in their own way, none of
them well for Arabic. Handing every backend the output of `nashra.arabic.analysis.analyse`
(terms separated by spaces) makes them agree, and a query analysed the same way matches.
"""

from wagtail.search import index

from nashra.arabic.analysis import analyse


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(_text(item) for item in value)
    return str(value)


class AnalysedSearchField(index.SearchField):
    """A SearchField whose indexed value is the field's analysed terms."""

    def get_value(self, obj):
        return " ".join(analyse(_text(super().get_value(obj))))

