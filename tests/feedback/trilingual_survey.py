"""A realistic small NPS survey (issue 20, finding 14): ~320 answers spread over 24 months, so no
month reaches 30 answers, with comments in English, Hindi and Bengali on shared topics.

Written independently of crmlib's lexicon and of crmlib.datasets' phrases: the words here are the
ones customers use (inflected Hindi and Bengali forms, "please email me", "the staff were very
helpful"), so a lexicon that only knows its own example sentences fails these tests.
Every comment's true topics are kept in ``attrs["topics"]`` (one list per row) for the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# topic -> side -> language -> phrases
PHRASES = {
    "delivery": {
        "bad": {"en": ["Delivery took two weeks", "the courier delivered to the wrong address",
                       "my parcel arrived late"],
                "hi": ["डिलीवरी में दो हफ़्ते लग गए", "कूरियर वाला गलत पते पर दे गया", "पार्सल देर से पहुंचा"],
                "bn": ["ডেলিভারিতে দুই সপ্তাহ লেগেছে", "কুরিয়ার ভুল ঠিকানায় দিয়ে গেছে", "পার্সেল দেরিতে পৌঁছেছে"]},
        "good": {"en": ["fast delivery", "the parcel arrived a day early"],
                 "hi": ["डिलीवरी बहुत जल्दी हुई", "पार्सल एक दिन पहले पहुँच गया"],
                 "bn": ["দ্রুত ডেলিভারি", "পার্সেল এক দিন আগেই পৌঁছে গেছে"]},
    },
    "price": {
        "bad": {"en": ["far too expensive", "prices went up again"],
                "hi": ["बहुत महंगा है", "कीमत फिर से बढ़ गई"],
                "bn": ["অনেক দামি", "দাম আবার বেড়ে গেছে"]},
        "good": {"en": ["good prices", "the discount was generous"],
                 "hi": ["दाम अच्छे हैं", "छूट बढ़िया मिली"],
                 "bn": ["দাম ভালো", "ভালো ছাড় পেয়েছি"]},
    },
    "staff": {
        "bad": {"en": ["the staff were rude", "the salesman ignored me"],
                "hi": ["स्टाफ़ ने बदतमीज़ी की", "कर्मचारी ने ध्यान नहीं दिया"],
                "bn": ["কর্মীরা অভদ্র ছিল", "স্টাফ আমাকে পাত্তা দেয়নি"]},
        "good": {"en": ["the staff were very helpful", "friendly staff"],
                 "hi": ["स्टाफ बहुत मददगार था", "कर्मचारी बहुत विनम्र थे"],
                 "bn": ["কর্মীরা খুব সাহায্য করেছেন", "স্টাফরা খুব ভদ্র"]},
    },
    "quality": {
        "bad": {"en": ["poor quality", "the shirt tore after one wash"],
                "hi": ["क्वालिटी घटिया है", "सामान नकली निकला"],
                "bn": ["মান খারাপ", "জিনিসটা নকল"]},
        "good": {"en": ["excellent quality", "the quality is great"],
                 "hi": ["गुणवत्ता बहुत अच्छी है", "क्वालिटी शानदार है"],
                 "bn": ["মান চমৎকার", "কোয়ালিটি দারুণ"]},
    },
    "app": {
        "bad": {"en": ["the app crashed at checkout", "payment failed in the app"],
                "hi": ["ऐप चेकआउट पर बंद हो गया", "ऐप में पेमेंट फेल हो गया"],
                "bn": ["অ্যাপটা চেকআউটে বন্ধ হয়ে গেল", "অ্যাপে পেমেন্ট হয়নি"]},
        "good": {"en": ["the app is easy", "ordering in the app was smooth"],
                 "hi": ["ऐप बहुत आसान है", "ऐप से ऑर्डर करना आसान था"],
                 "bn": ["অ্যাপটা খুব সহজ", "অ্যাপে অর্ডার করা সহজ"]},
    },
}
# no topic: these must land in "other"
GENERIC = {"en": ["ok", "nothing more to say", "average experience"],
           "hi": ["ठीक है", "कुछ ख़ास नहीं"],
           "bn": ["মোটামুটি", "বলার কিছু নেই"]}
# filler that detractors write: "please" and "email" (with a real address to be redacted)
FILLER = {"en": "Please email me at {who}@example.com", "hi": "कृपया मुझे {who}@example.com पर ईमेल करें",
          "bn": "দয়া করে আমাকে {who}@example.com ঠিকানায় ইমেইল করুন"}
END = {"en": ". ", "hi": "। ", "bn": "। "}
TOPICS = list(PHRASES)


def make_survey(n: int = 320, months: int = 24, seed: int = 20, start: str = "2024-01-01",
                decline: float = 0.0) -> pd.DataFrame:
    """``n`` NPS answers spread evenly (at random) over ``months`` months, with comments.

    Detractors' comments complain about one or two topics, promoters' praise them, passives mix or
    say nothing in particular; a quarter of the answers have no comment. ``decline`` shifts answers
    from promoters to detractors linearly over the months (0.3: 30 points of share by the end).
    """
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start)
    rows, truth = [], []
    for i in range(n):
        month = int(rng.integers(months))
        t = month / max(months - 1, 1)
        date = first + pd.DateOffset(months=month) + pd.Timedelta(days=int(rng.integers(28)))
        p_det = 0.3 + decline * t / 2
        p_pro = 0.45 - decline * t / 2
        u = rng.random()
        side = "det" if u < p_det else "pro" if u < p_det + p_pro else "pas"
        score = int(rng.integers(0, 7) if side == "det" else rng.integers(9, 11) if side == "pro"
                    else rng.integers(7, 9))
        lang = str(rng.choice(["en", "hi", "bn"], p=[0.35, 0.4, 0.25]))
        topics: list[str] = []
        if rng.random() < 0.25:
            comment = None
        elif side == "pas" and rng.random() < 0.6 or rng.random() < 0.08:
            comment = str(rng.choice(GENERIC[lang]))
        else:
            topics = list(rng.choice(TOPICS, size=1 + int(rng.random() < 0.3), replace=False))
            good = "good" if side == "pro" or (side == "pas" and rng.random() < 0.5) else "bad"
            parts = [str(rng.choice(PHRASES[tp][good][lang])) for tp in topics]
            if side == "det" and rng.random() < 0.35:
                parts.append(FILLER[lang].format(who=f"buyer{i}"))
            comment = END[lang].join(parts) + END[lang].strip()
        rows.append({"customer_id": f"S{i:04d}", "date": date, "nps": score, "comment": comment,
                     "channel": str(rng.choice(["store", "web", "app"]))})
        truth.append(topics)
    df = pd.DataFrame(rows).sort_values("date", kind="stable")
    order = df.index.to_numpy()
    df = df.reset_index(drop=True)
    df["nps"] = df["nps"].astype("Int64")
    df.attrs["topics"] = [truth[k] for k in order]
    return df
