"""A device's browser in a few words ("Chrome · Android"), from its User-Agent header.

Enough for a member to recognise their phone on the devices page, and nothing more: no version,
no model, no build, nothing that would single a phone (or its owner) out. Unknown browsers and
systems are named by what is known of them, or not at all.
"""

from __future__ import annotations

# Checked in order: several browsers name others in their User-Agent (Edge says Chrome and
# Safari, Chrome says Safari, Samsung Internet says Chrome).
_BROWSERS = (
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("OPiOS/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("UCBrowser/", "UC Browser"),
    ("coc_coc_browser/", "Cốc Cốc"),
    ("Zalo", "Zalo"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def browser_summary(user_agent: str) -> str:
    """The browser family and the system, e.g. "Firefox · Android"; "" when neither is known."""
    text = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in text), "")
    system = next((name for marker, name in _SYSTEMS if marker in text), "")
    return " · ".join(part for part in (browser, system) if part)
