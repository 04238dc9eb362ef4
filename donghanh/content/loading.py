"""Reading the article files: `<slug>.<lang>.md` with `key: value` front matter between `---`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from donghanh.content.models import ContentLanguage, Stage
from donghanh.directory.models import Country

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
_FILE_NAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>vi|en)\.md$")
REQUIRED = ("title", "stage", "last_checked")


class ArticleFileError(ValueError):
    pass


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    language: str
    title: str
    summary: str
    stage: str
    order: int
    destination: str
    last_checked: date
    review_due: date | None
    body: str
    digest: str


def _split(text: str, name: str) -> tuple[dict[str, str], str]:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(f"{name}: the file must start with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ArticleFileError(f"{name}: the front matter has no closing '---' line") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ArticleFileError(f"{name}: '{line}' is not a 'key: value' line")
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _date(value: str, key: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArticleFileError(f"{name}: {key} must be a date written YYYY-MM-DD") from None


def read_article_file(path: Path) -> ArticleFile:
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise ArticleFileError(f"{path.name}: the name must be <slug>.<vi|en>.md")
    raw = path.read_bytes()
    meta, body = _split(raw.decode("utf-8"), path.name)
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise ArticleFileError(f"{path.name}: missing {', '.join(missing)}")
    if meta["stage"] not in Stage.values:
        raise ArticleFileError(f"{path.name}: unknown stage '{meta['stage']}'")
    destination = meta.get("destination", "").upper()
    if destination and destination not in Country.values:
        raise ArticleFileError(f"{path.name}: unknown destination '{destination}'")
    try:
        order = int(meta.get("order") or 0)
    except ValueError:
        raise ArticleFileError(f"{path.name}: order must be a whole number") from None
    if not body.strip():
        raise ArticleFileError(f"{path.name}: the article has no text")
    return ArticleFile(
        slug=match["slug"],
        language=match["language"],
        title=meta["title"],
        summary=meta.get("summary", ""),
        stage=meta["stage"],
        order=order,
        destination=destination,
        last_checked=_date(meta["last_checked"], "last_checked", path.name),
        review_due=_date(meta["review_due"], "review_due", path.name)
        if meta.get("review_due")
        else None,
        body=body,
        digest=hashlib.sha256(raw).hexdigest(),
    )


# The folder's guide for writers sits beside the articles and is not one of them.
GUIDE_FILE = "README.md"


def read_article_files(directory: Path) -> dict[str, dict[str, ArticleFile]]:
    """Every article file in `directory`: slug → language → file, in name order."""
    found: dict[str, dict[str, ArticleFile]] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name == GUIDE_FILE:
            continue
        article = read_article_file(path)
        found.setdefault(article.slug, {})[article.language] = article
    return found


def settings_file(files: dict[str, ArticleFile]) -> ArticleFile:
    """The file whose stage, position and dates the article takes: the Vietnamese one first."""
    return files.get(ContentLanguage.VIETNAMESE) or files[ContentLanguage.ENGLISH]
