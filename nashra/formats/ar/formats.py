"""Date and number formats for Arabic, over Django's own (django/conf/locale/ar/formats.py).

Django's Arabic locale leaves DATETIME_FORMAT to the English default, which prints
«7 ديسمبر 2026, 00:39» with a Latin comma, and its times in 12-hour form with AM/PM; the
region's newsrooms print 24-hour times. Digits stay Western here: the site's digit setting
(nashra.core.numbers) turns them into Arabic-Indic where it asks.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d، H:i"
FIRST_DAY_OF_WEEK = 6  # Saturday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
