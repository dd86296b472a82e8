"""HTML -> text with the standard library's parser: script and style dropped, block elements
become paragraphs, table cells tabs, so tables read row by row."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "section",
          "article", "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "body", "title", "hr"}
_DROP = {"script", "style", "head", "noscript", "template", "svg", "nav"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROP:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(" ".join(data.split("\n")) if data.strip() else " ")


def html_text(text: str) -> str:
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        cells = [" ".join(cell.split()) for cell in line.split("\t")]
        lines.append("\t".join(cell for cell in cells if cell))
    return "\n".join(lines)
