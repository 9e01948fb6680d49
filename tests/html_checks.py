"""Small checks on rendered HTML with the standard library's parser (ids, labels, links)."""

from collections import Counter
from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    """Every start tag of ``html`` as (tag, attributes)."""
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def duplicate_ids(html: str) -> list[str]:
    counts = Counter(attrs["id"] for _tag, attrs in elements(html) if attrs.get("id"))
    return sorted(i for i, n in counts.items() if n > 1)


def labels_pointing_at_nothing_visible(html: str) -> list[str]:
    """The ``for`` of every label that names no element, or a hidden input."""
    by_id = {attrs["id"]: (tag, attrs) for tag, attrs in elements(html) if attrs.get("id")}
    wrong = []
    for tag, attrs in elements(html):
        if tag == "label" and attrs.get("for"):
            target = by_id.get(attrs["for"])
            if target is None or (target[0] == "input" and target[1].get("type") == "hidden"):
                wrong.append(attrs["for"])
    return wrong


def element_by_id(html: str, element_id: str) -> tuple[str, dict] | None:
    return next(((t, a) for t, a in elements(html) if a.get("id") == element_id), None)
