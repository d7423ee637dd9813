"""Logging filters, named by path in settings.LOGGING (which imports no app code)."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep the record's one line and drop its traceback.

    For refusals of a client's request that are no fault of the site's (a Host header not in
    ALLOWED_HOSTS): scanners send them all day, and Django logs each with some twenty lines of
    its own code, which bury the tracebacks that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
