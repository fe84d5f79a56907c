"""Read a page in English and list the UI text that stayed Chinese (the English page tests share it).

The page's own words are its headings, table headers, form labels, legends and buttons (and links
styled as buttons). Data shown in them — a campaign's, a school's or a region's name — is Chinese in
any language, so the test names it and it is taken out before the check; the language menu's
"中文" button is the one Chinese word an English page must keep.
"""

from __future__ import annotations

import re

from tests.html_page import Html

# Chinese characters (not the full-width punctuation that joins a Chinese name to an English heading).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
UI = ("h1", "h2", "h3", "h4", "h5", "h6", "th", "label", "legend", "button", "caption")
KEPT = ("简体中文", "中文")


def english(client) -> None:
    """Ask for English the way the language menu does: the language cookie."""
    client.cookies.load({"django_language": "en"})


def ui_texts(response) -> list[str]:
    """The page's headings, table headers, labels, legends, buttons and button links, in document order."""
    page = Html(response)
    texts = [text for tag in UI for text in page.texts(tag)]
    texts += [e.text for e in page.find_all("a") if "btn" in e.attrs.get("class", "").split()]
    texts += [e.attrs["value"] for e in page.find_all("input") if e.attrs.get("type") == "submit" and e.attrs.get("value")]
    return [t for t in texts if t]


def chinese_ui(response, data: tuple[str, ...] = ()) -> list[str]:
    """The UI texts that still hold Chinese once the named data (and the language menu's "中文") are taken out."""
    assert response.status_code == 200, response.status_code
    assert response.headers.get("Content-Language") == "en", response.headers.get("Content-Language")
    left = []
    for text in ui_texts(response):
        rest = text
        for value in sorted((*data, *KEPT), key=len, reverse=True):
            rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(text)
    return left
