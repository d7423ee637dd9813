"""Known spam offers: what a spammer sells, named so a moderator can act on it.

Each category is a list of phrases, written here as people type them and matched on the
normalized text (nashra.arabic.normalize: hamza forms, ة/ه, ى/ي, digits and diacritics folded),
at word starts, so «مراهنات» and «والمراهنات» both match «مراهن». A category alone only holds
a comment for a moderator: genuine readers write about betting, loans and investment too. Spam
is certain only with a way to reach the seller beside it (a link, a phone number, a WhatsApp or
Telegram contact: nashra.comments.moderation).
"""

import re
from functools import lru_cache

from nashra.arabic.normalize import normalize

# category: (the reason a moderator reads, phrases)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "betting": ("عرض مراهنات أو قمار", (
        "مراهن", "كازينو", "رهانات", "بونص", "روليت", "سلوتس", "1xbet", "melbet", "casino",
        "betting", "sportsbook", "jackpot", "poker", "بوكر", "ضاعف رهانك", "كود ترويجي",
        "promo code", "بلاك جاك", "ربح الرهان", "ماكينات القمار", "العاب القمار", "مواقع القمار",
    )),
    "money": ("استثمار أو أرباح مضمونة", (
        "ارباح مضمونه", "ربح مضمون", "ربح يومي", "ارباح يوميه", "دخل يومي", "دخل مضمون",
        "فوركس", "forex", "usdt", "بينانس", "binance", "ارباح العملات الرقميه",
        "مضاعفه راس المال", "مضاعفه المبلغ", "استرداد الاموال",
        "استرجاع الاموال", "استرداد اموالك", "توصيات تداول", "منصه تداول", "crypto", "trading signals",
        "passive income", "double your", "guaranteed profit", "محفظه استثماريه",
    )),
    "loans": ("قروض أو تمويل سريع", (
        "قرض شخصي", "قروض شخصيه", "تمويل شخصي", "بدون كفيل", "بدون تحويل راتب", "سداد مديونيات",
        "سداد القروض", "تمويل فوري", "قرض فوري", "قروض فوريه", "تمويل بدون", "instant loan",
        "payday loan", "تسديد البطاقات", "سداد متعثرات",
    )),
    "spiritual": ("شعوذة («شيخ روحاني»)", (
        "شيخ روحاني", "الشيخ الروحاني", "معالج روحاني", "جلب الحبيب", "فك السحر", "فك الربط",
        "رد المطلقه", "جلب الغائب", "سحر المحبه", "علاج السحر", "جلب الزوج", "رد الحبيب",
        "زواج البائر", "خادم الجن",
    )),
    "local_services": ("دعاية لخدمات منزلية", (
        "نقل عفش", "نقل اثاث", "كشف تسربات", "كشف تسرب", "مكافحه حشرات", "رش مبيدات", "تنظيف خزانات",
        "شركه تنظيف", "شركه نقل", "عزل اسطح", "عزل خزانات", "تسليك مجاري", "شفط بيارات",
        "تنظيف كنب", "تنظيف مجالس", "صيانه مكيفات", "غسيل مكيفات", "ترميم منازل", "مظلات وسواتر",
        "تركيب مظلات", "كهربائي منازل", "خدمات منزليه", "افضل شركه", "شركه مكافحه",
    )),
    "pharma": ("أدوية أو منتجات تخسيس", (
        "تخسيس", "حبوب التخسيس", "حبوب تخسيس", "حبوب منع", "منشط جنسي", "منشطات جنسيه", "فياجرا", "فياغرا", "سيالس", "سياليس", "viagra", "cialis",
        "انقاص الوزن", "خساره الوزن", "حرق الدهون", "تكبير الذكر", "تكبير القضيب", "تكبير الصدر", "تطويل", "اعشاب طبيعيه", "كريم تبييض",
        "سيتوتك", "cytotec", "حقن التنحيف", "weight loss", "keto pills",
    )),
    "jobs": ("وظائف أو ربح من المنزل", (
        "وظائف عن بعد", "وظيفه عن بعد", "العمل من المنزل", "عمل من المنزل", "العمل من البيت",
        "اربح من البيت", "اربح من المنزل", "ربح من الانترنت", "الربح من الانترنت", "راتب يومي",
        "دولار يوميا", "دولار في اليوم", "رسوم التسجيل", "رسوم تسجيل", "بدون خبره", "بدوام جزئي",
        "work from home", "earn money", "make money online", "data entry job",
    )),
    "followers": ("بيع متابعين أو تقييمات", (
        "زياده متابعين", "شراء متابعين", "متابعين حقيقيين", "زياده لايكات", "زياده مشاهدات",
        "buy followers", "instagram followers", "تقييمات جوجل", "google reviews",
    )),
    "seo": ("دعاية تحسين محركات البحث", (
        "backlinks", "باك لينك", "seo services", "essay writing", "write my essay", "assignment help",
        "guest post", "casino online", "replica watches", "خدمات سيو",
        "تصدر نتائج البحث", "تصميم مواقع باقل سعر",
    )),
    "call": ("دعوة للتواصل الخاص", (
        "للتواصل", "للطلب", "للحجز", "تواصل معنا", "تواصل معي", "اتصل الان", "اتصل بنا",
        "راسلني", "راسلنا", "كلمني", "ارسل رسالة", "contact us", "call now", "dm me", "inbox me",
        "سارع", "لا تفوت", "عرض خاص", "العرض محدود", "خصم", "اطلب الان", "بالخاص", "على الخاص",
        "راسلني خاص", "تواصل خاص", "احجز الان", "احجزي الان", "سجل الان", "order now", "apply now",
    )),
}


def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = sorted({re.escape(normalize(p)) for p in phrases}, key=len, reverse=True)
    # At a word start (after a space, punctuation or the proclitics و ف ب ل ال).
    return re.compile(r"(?:^|(?<=[^\w])|(?<=\b[وفبلك])|(?<=\bال)|(?<=\bوال)|(?<=\bبال))(?:"
                      + "|".join(alternatives) + ")", re.IGNORECASE)


@lru_cache(maxsize=1)
def _compiled() -> dict[str, re.Pattern]:
    return {name: _phrase_re(phrases) for name, (_, phrases) in CATEGORIES.items()}


def categories_of(folded: str) -> tuple[str, ...]:
    """The offer categories found in a normalized text (author and body), in CATEGORIES' order."""
    return tuple(name for name, pattern in _compiled().items() if pattern.search(folded))


def reason_of(category: str) -> str:
    return CATEGORIES[category][0]


# The categories that name something for sale; "call" (a call to contact) only adds to them.
OFFERS = frozenset(CATEGORIES) - {"call"}
