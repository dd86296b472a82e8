"""Search hits as citations: Markdown ready to paste into a report, plain text, CSV or JSON lines.

Each hit carries date, body, § number and title, principal, paragraph id, the quote with the
match marked, and the source file with page (PDF) or line. One serialisation for every front
end: the command line's `--format` and the web page's citation buttons and downloads.
"""

from __future__ import annotations

import csv
import io
import json

from bigsearch.display import marked, ocr_note
from bigsearch.messages import t
from bigsearch.search.results import Hit, SearchResult

FORMATS = ("text", "md", "csv", "json")
CSV_COLUMNS = ("id", "date", "body", "section", "section_title", "principal", "quote", "source", "page", "line", "score")


def location(hit: Hit) -> str:
    """Where in the original: the file, with its page (PDF) or line; a scan's page says it was read by OCR
    and how confident OCR was: "scan.pdf (OCR, page 3, 91%)"."""
    where = hit.source
    if hit.ocr:
        where += f" {ocr_note(hit)}"
    elif hit.page:
        where += ", " + t("cite.page", page=hit.page)
    elif hit.line:
        where += ", " + t("cite.line", line=hit.line)
    return where


def reference(hit: Hit) -> str:
    parts = [part for part in (hit.body, hit.doc_type, hit.date or (str(hit.year) if hit.year else t("undated")))
             if part]
    head = ", ".join(parts)
    if hit.section:
        head += f", {hit.section_prefix} § {hit.section}" if hit.section_prefix else f", § {hit.section}"
    if hit.section_title:
        head += f" {hit.section_title}"
    if hit.principal:
        head += f" ({hit.principal})"
    return head


def markdown_hit(hit: Hit) -> str:
    """One hit as a Markdown quotation: the quote with the match in bold, then where it is from."""
    quote = marked(hit.snippet, hit.snippet_highlights, "**", "**").replace("\n", " ")
    return f"> {quote}\n>\n> — {reference(hit)}. {t('cite.source', where=location(hit))}. Id: `{hit.id}`\n"


def plain_hit(hit: Hit) -> str:
    """One hit as a plain-text quotation (for a mail or a document without Markdown)."""
    quote = hit.snippet.replace("\n", " ")
    return f"”{quote}”\n— {reference(hit)}. {t('cite.source', where=location(hit))}. Id: {hit.id}\n"


def markdown(result: SearchResult) -> str:
    lines = [f"**{t('cite.heading', n=result.total)}** `{result.query}`", ""]
    lines.extend(markdown_hit(hit) for hit in result.hits)
    return "\n".join(lines).rstrip() + "\n"


def plain(result: SearchResult) -> str:
    lines = [f"{t('cite.heading', n=result.total)} ”{result.query}”", ""]
    lines.extend(plain_hit(hit) for hit in result.hits)
    return "\n".join(lines).rstrip() + "\n"


def csv_text(result: SearchResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in result.hits:
        writer.writerow([hit.id, hit.date or "", hit.body or "", hit.section or "", hit.section_title or "",
                         hit.principal or "", marked(hit.snippet, hit.snippet_highlights, "[", "]"), hit.source,
                         hit.page or "", hit.line or "", hit.score])
    return buffer.getvalue()


def hit_json(hit: Hit) -> dict:
    """A hit as JSON, the one serialisation every command gives (search --json, --format json, show,
    meeting …): its fields and the citation — reference, location and the quote with the match in « »."""
    data = hit.to_json()
    data.update(reference=reference(hit), location=location(hit),
                quote=marked(hit.snippet, hit.snippet_highlights, "«", "»"))
    return data


def json_lines(result: SearchResult) -> str:
    rows = [json.dumps(hit_json(hit), ensure_ascii=False) for hit in result.hits]
    return "\n".join(rows) + ("\n" if rows else "")
