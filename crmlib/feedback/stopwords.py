"""Short stopword lists for English, Hindi and Bengali customer comments.

Written for crmlib: common function words (articles, pronouns, postpositions, auxiliaries,
conjunctions) that carry no topic. Negations are kept apart in ``NEGATIONS`` because "not
good" and "अच्छा नहीं" are what detractors say: :func:`stopwords` leaves them out of the
list unless ``drop_negations=True``.
"""

from __future__ import annotations

import unicodedata

ENGLISH = frozenset("""
a an the and or but if then so than as of at by for from in into on onto to with without
about over under after before again also just very too more most much many some any all
each both few other such own same only
i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs this that these those there here who whom whose which what when where why how
am is are was were be been being have has had having do does did doing done will would
shall should can could may might must get got
s t d ll m re ve
""".split())

HINDI = frozenset("""
है हैं था थी थे हो होता होती होते हुआ हुई हुए रहा रही रहे गया गई गए कर करना किया
का की के को में से पर तक ने भी ही तो और या व एवं लेकिन पर परंतु मगर कि जो जब तब
मैं मेरा मेरी मेरे मुझे मुझको हम हमारा हमारी हमारे हमें आप आपका आपकी आपके आपको
तुम वह वो वे यह ये इस उस इन उन इसे उसे इसका उसका उनका उनकी उनके इसकी उसकी
एक कुछ सब सभी बहुत बड़ा अब फिर यहाँ वहाँ क्या कैसे क्यों कौन कब कहाँ साथ लिए बाद
""".split())

BENGALI = frozenset("""
এবং ও আর কিন্তু বা তবে যে যদি তাহলে তাই কারণ
আমি আমার আমাকে আমরা আমাদের তুমি তোমার আপনি আপনার আপনাদের সে তার তাকে তারা তাদের
এ এই ওই সেই এটা ওটা এটি সেটা এখানে সেখানে এর ওর
হয় হয়ে হয়েছে হয়েছিল ছিল ছিলাম আছে আছেন থাকে করে করা করেছে করেছি করি হবে হলো হল
কে কি কী কেন কোথায় কখন কেমন
থেকে জন্য দিয়ে মধ্যে সঙ্গে সাথে পর আগে উপর কাছে
একটা একটি কিছু সব সবাই খুব অনেক বেশি আরও এখন তখন শুধু
""".split())

#: Filler of requests and contact details: courtesy ("please", "कृपया", "দয়া করে"), the words
#: around a redacted address or number ("email me at [email]", "call me on [phone]") and greetings.
#: They say how a customer asks, not what about, yet detractors write them more (they ask to be
#: contacted), so without this list they lead the driver terms. Words a complaint is *about*
#: ("phone" in "waited on the phone for ages", "call" in "nobody called back") stay.
FILLER = {
    "en": frozenset("""please pls plz kindly thanks thank thankyou thx hi hello hey dear sir madam
                    mam maam regards email emails emailed mail mailed gmail e-mail whatsapp contact
                    number id address reach asap""".split()),
    "hi": frozenset("""कृपया कृपा प्लीज प्लीज़ धन्यवाद शुक्रिया जी सर मैडम नमस्ते नमस्कार ईमेल मेल
                    जीमेल व्हाट्सएप नंबर नम्बर संपर्क करें करिए कीजिए दें दीजिए""".split()),
    "bn": frozenset("""দয়া অনুগ্রহ অনুগ্রহপূর্বক প্লিজ ধন্যবাদ স্যার ম্যাডাম নমস্কার ইমেইল ইমেল
                    মেইল জিমেইল হোয়াটসঅ্যাপ নম্বর নম্বরে নাম্বার যোগাযোগ ঠিকানা ঠিকানায় করুন""".split()),
}

#: Negations that turn sentiment around; kept as tokens unless asked otherwise.
NEGATIONS = {
    "en": frozenset({"not", "no", "never", "nor", "don't", "didn't", "doesn't", "isn't",
                     "wasn't", "won't", "can't", "cannot"}),
    "hi": frozenset({"नहीं", "न", "ना", "मत", "बिना"}),
    "bn": frozenset({"না", "নয়", "নেই", "নি", "নাই"}),
}

BY_LANGUAGE = {"en": ENGLISH, "hi": HINDI, "bn": BENGALI}


def stopwords(languages=("en", "hi", "bn"), *, drop_negations: bool = False,
              filler: bool = True) -> frozenset[str]:
    """The union of the stopword lists for ``languages`` ('en', 'hi', 'bn'), with :data:`FILLER`
    (courtesy and contact words: "please", "email") unless ``filler=False``.

    Negations stay out of the list (so they remain tokens) unless ``drop_negations`` is True.

    >>> "नहीं" in stopwords(), "नहीं" in stopwords(drop_negations=True)
    (False, True)
    >>> {"the", "है", "এবং"} <= stopwords()
    True
    >>> {"please", "email", "कृपया", "ईमेल", "দয়া", "ইমেইল"} <= stopwords(), "please" in stopwords(filler=False)
    (True, False)
    """
    langs = [languages] if isinstance(languages, str) else list(languages)
    unknown = [lang for lang in langs if lang not in BY_LANGUAGE]
    if unknown:
        raise ValueError(f"no stopword list for {unknown}; choose from {sorted(BY_LANGUAGE)}")
    words: set[str] = set()
    for lang in langs:
        words |= BY_LANGUAGE[lang]
        if filler:
            words |= FILLER[lang]
        if drop_negations:
            words |= NEGATIONS[lang]
    return frozenset(unicodedata.normalize("NFC", w) for w in words)
