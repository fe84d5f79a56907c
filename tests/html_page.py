"""Read a page as its reader does: parsed HTML, not substrings (style.md, "Page tests").

    page = Html(response)
    page.text("h1")                       # the heading, whitespace collapsed
    page.texts("div", cls="invalid-feedback")   # every form error under its field
    page.find_all("tr", testid="finding-row")

Built on the standard library's html.parser: a selector is a tag name (or "*") with optional
`cls` (one class among the element's), `testid` (data-testid) and other exact attribute values.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                parts.append(child) if isinstance(child, str) else walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def matches(self, tag: str, cls: str | None, attrs: dict[str, str]) -> bool:
        if tag not in ("*", self.tag):
            return False
        if cls is not None and cls not in self.attrs.get("class", "").split():
            return False
        return all(self.attrs.get(k) == v for k, v in attrs.items())

    def find_all(self, tag: str = "*", *, cls: str | None = None, testid: str | None = None, **attrs: str) -> list[Element]:
        if testid is not None:
            attrs["data-testid"] = testid
        found: list[Element] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, Element):
                    if child.matches(tag, cls, attrs):
                        found.append(child)
                    walk(child)

        walk(self)
        return found

    def find(self, tag: str = "*", **kwargs) -> Element:
        """Exactly one matching element (an assertion error otherwise)."""
        found = self.find_all(tag, **kwargs)
        assert len(found) == 1, f"{len(found)} <{tag} {kwargs}> elements, one expected"
        return found[0]

    def text_of(self, tag: str = "*", **kwargs) -> str:
        return self.find(tag, **kwargs).text

    def texts(self, tag: str = "*", **kwargs) -> list[str]:
        return [e.text for e in self.find_all(tag, **kwargs)]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching open tag; a stray end tag is ignored, as browsers do.
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def Html(source) -> Element:  # noqa: N802 — reads as a constructor
    """The parsed document of a response (or of an HTML string)."""
    text = source if isinstance(source, str) else source.content.decode()
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
