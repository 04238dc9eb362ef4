"""Search benchmark: 5,000 published articles and 20,000 public providers, p95 of site_search.

Run from the repository root (see README.md). Fills the database named by DATABASE_URL with
generated rows (it empties the content and directory tables first), builds the index once, then
times at least 200 queries, diacritic-free and with typos, in both languages.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from donghanh.content.markup import markdown_plain_text  # noqa: E402
from donghanh.content.models import Article, ArticleText, ArticleVersion, Stage  # noqa: E402
from donghanh.content.search import indexes, site_search  # noqa: E402
from donghanh.core.text import search_text, search_words  # noqa: E402
from donghanh.directory.models import Provider  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 5000))
PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", 20000))
QUERIES = int(os.environ.get("BENCH_QUERIES", 400))

# Vietnamese and English words of the field, so that the vocabulary and postings look real.
VI = [
    "lừa",
    "đảo",
    "việc",
    "làm",
    "hợp",
    "đồng",
    "hộ",
    "chiếu",
    "nợ",
    "lương",
    "quyền",
    "người",
    "lao",
    "động",
    "nước",
    "ngoài",
    "môi",
    "giới",
    "tuyển",
    "dụng",
    "phí",
    "cao",
    "visa",
    "xuất",
    "khẩu",
    "đường",
    "dây",
    "nóng",
    "giúp",
    "đỡ",
    "gia",
    "đình",
    "về",
    "nước",
    "tái",
    "hòa",
    "nhập",
    "bảo",
    "hộ",
    "công",
    "dân",
    "đại",
    "sứ",
    "quán",
    "cảnh",
    "sát",
    "mua",
    "bán",
    "người",
    "cưỡng",
    "bức",
    "làm",
    "thêm",
    "giờ",
    "giữ",
    "giấy",
    "tờ",
    "đe",
    "dọa",
    "bạo",
    "lực",
    "an",
    "toàn",
    "chuyến",
    "đi",
    "sân",
    "bay",
    "biên",
    "giới",
    "thuê",
    "nhà",
    "học",
    "nghề",
    "vay",
    "vốn",
    "tư",
    "vấn",
    "pháp",
    "lý",
    "miễn",
    "phí",
    "trẻ",
    "em",
    "phụ",
    "nữ",
    "nam",
    "giới",
    "Anh",
    "Nhật",
    "Bản",
    "Hàn",
    "Quốc",
    "Đài",
    "Loan",
    "Malaysia",
    "Nga",
    "nông",
    "trại",
    "nhà",
    "hàng",
    "xưởng",
    "may",
    "tiệm",
    "làm",
    "móng",
    "xây",
    "dựng",
    "tàu",
    "cá",
    "giúp",
    "việc",
    "chăm",
    "sóc",
]
EN = [
    "job",
    "scam",
    "contract",
    "passport",
    "debt",
    "wages",
    "rights",
    "worker",
    "abroad",
    "recruiter",
    "fee",
    "visa",
    "hotline",
    "help",
    "family",
    "return",
    "reintegration",
    "embassy",
    "police",
    "trafficking",
    "forced",
    "overtime",
    "documents",
    "threat",
    "violence",
    "safe",
    "journey",
    "airport",
    "border",
    "housing",
    "training",
    "loan",
    "advice",
    "legal",
    "free",
    "children",
    "women",
    "men",
    "United",
    "Kingdom",
    "Japan",
    "Korea",
    "Taiwan",
    "farm",
    "restaurant",
    "factory",
    "nail",
    "salon",
    "construction",
    "fishing",
    "domestic",
    "care",
]


def sentence(rng: random.Random, words: list[str], length: int) -> str:
    return " ".join(rng.choice(words) for _ in range(length)).capitalize() + "."


def body(rng: random.Random, words: list[str]) -> str:
    parts = []
    for _section in range(4):
        parts.append("## " + sentence(rng, words, 4))
        parts += [sentence(rng, words, rng.randint(8, 16)) for _ in range(3)]
        parts += ["- " + sentence(rng, words, 6) for _ in range(3)]
    return "\n\n".join(parts)


@transaction.atomic
def generate(*, replace: bool = True) -> None:
    """The generated articles and providers; with `replace`, instead of every other one (else
    beside them, once: the public pages benchmark adds them to the demo content)."""
    rng = random.Random(2026)
    if replace:
        ArticleText.objects.all().delete()
        ArticleVersion.objects.all().delete()
        Article.objects.all().delete()
        Provider.objects.all().delete()
    elif Article.objects.filter(slug="bai-0").exists():
        return
    stages = Stage.values
    articles = Article.objects.bulk_create(
        Article(slug=f"bai-{n}", stage=stages[n % len(stages)], order=n) for n in range(ARTICLES)
    )
    for language, words in (("vi", VI), ("en", EN)):
        versions = []
        for article in articles:
            title, summary = sentence(rng, words, 6), sentence(rng, words, 14)
            text = body(rng, words)
            versions.append(
                ArticleVersion(
                    article=article,
                    language=language,
                    number=1,
                    title=title,
                    summary=summary,
                    body=text,
                    last_checked=date(2026, 11, 20),
                    search_text=search_text(title, summary, markdown_plain_text(text)),
                )
            )
        versions = ArticleVersion.objects.bulk_create(versions, batch_size=1000)
        ArticleText.objects.bulk_create(
            (
                ArticleText(
                    article_id=v.article_id,
                    language=language,
                    title=v.title,
                    summary=v.summary,
                    body=v.body,
                    status=ArticleText.Status.PUBLISHED,
                    published_version=v,
                )
                for v in versions
            ),
            batch_size=1000,
        )
    providers = []
    for n in range(PROVIDERS):
        name = f"Trung tâm {sentence(rng, VI, 3)} {n}"
        description = sentence(rng, VI, 20)
        providers.append(
            Provider(
                name=name,
                name_en=f"Centre {sentence(rng, EN, 3)}",
                kind=Provider.Kind.NGO,
                description=description,
                shown_to_public=True,
                folded_name=" ".join(search_words(name)),
                folded_text=search_text(name, description),
            )
        )
    Provider.objects.bulk_create(providers, batch_size=2000)


def queries(rng: random.Random) -> list[tuple[str, str]]:
    def typo(word: str) -> str:
        if len(word) < 4:
            return word
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1 :]  # one letter dropped

    picked = []
    for n in range(QUERIES):
        language, words = ("vi", VI) if n % 4 else ("en", EN)
        query = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        if n % 3 == 0:
            query = [typo(word) for word in query]
        picked.append((" ".join(query), language))
    picked[:2] = [("lua dao viec lam", "vi"), ("lua dao vieec lam", "vi")]
    return picked


def main() -> None:
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    reuse = ArticleVersion.objects.count() == 2 * ARTICLES and Provider.objects.count() == PROVIDERS
    if not reuse:
        generate()
    print("reused " if reuse else "", end="")
    print(
        f"generated {ARTICLES} articles (vi+en) and {PROVIDERS} providers in "
        f"{time.perf_counter() - started:.1f} s"
    )
    indexes.clear()
    for language in ("vi", "en"):
        started = time.perf_counter()
        site_search("a", language)
        print(
            f"index build ({language} articles"
            + (" + providers" if language == "vi" else "")
            + f"): {time.perf_counter() - started:.2f} s"
        )
    timings, hits = [], []
    for query, language in queries(random.Random(7)):
        started = time.perf_counter()
        results = site_search(query, language)
        timings.append((time.perf_counter() - started) * 1000)
        hits.append(len(results))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{len(timings)} queries: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, mean results {statistics.mean(hits):.0f}"
    )


if __name__ == "__main__":
    main()
