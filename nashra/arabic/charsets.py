"""Named code points and groups. Every Arabic constant the package uses is defined here."""

TATWEEL = "\u0640"

# Harakat, tanween, shadda, sukun, and the other marks that sit on a letter.
TASHKEEL = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {
    "\u0670",  # superscript alef
}
QURANIC_MARKS = frozenset(chr(c) for c in range(0x06D6, 0x06EE)) | frozenset(
    chr(c) for c in range(0x0610, 0x061B)
)

ZERO_WIDTH = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"})
# ALM, LRM, RLM: marks that set the direction of what is next to them and open nothing.
BIDI_MARKS = frozenset({"\u061c", "\u200e", "\u200f"})
# Embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI): each opens or
# closes a span of reordered text, which can run past the string it was written in.
BIDI_SCOPES = frozenset(
    {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
)
BIDI_CONTROLS = BIDI_MARKS | BIDI_SCOPES
# Letters and symbols drawn as empty space: the Hangul fillers and the blank Braille pattern.
BLANK_GLYPHS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})

ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
WESTERN_DIGITS = "0123456789"

ARABIC_COMMA = "\u060c"

MONTHS_GREGORIAN = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)
# The Levantine and Iraqi names, used by many papers in the Mashriq.
MONTHS_GREGORIAN_LEVANTINE = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)
MONTHS_HIJRI = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)
WEEKDAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")

# --- letters folded for comparison (display keeps the original) ---------------------------
ALEF = "\u0627"
ALEF_VARIANTS = "\u0623\u0625\u0622\u0671\u0672\u0673"  # أ إ آ ٱ ٲ ٳ
ALEF_MAQSURA = "\u0649"  # ى
YEH = "\u064a"  # ي
FARSI_YEH = "\u06cc"  # ی, typed on Persian keyboards
KEHEH = "\u06a9"  # ک
KAF = "\u0643"  # ك
TEH_MARBUTA = "\u0629"  # ة
HEH = "\u0647"  # ه
# ؤ ئ fold to ي: مسؤول and مسئول are one word, and so are الجزائر and a reader's الجزاير.
# The price: مؤتمر typed without its hamza (موتمر) no longer meets it.
HAMZA_SEATS = "\u0624\u0626"
WAW = "\u0648"

# Letters of the Arabic script that survive normalization; everything else in U+0600–U+06FF
# (punctuation, digits, marks, signs) separates words.
ARABIC_LETTER_RANGES = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
ARABIC_PUNCTUATION = "\u060c\u061b\u061f\u066a\u066b\u066c\u066d\u06d4«»"
