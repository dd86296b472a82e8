"""Screens over the main view: help, and the whole protocol around a hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from bigsearch.display import highlighted, where
from bigsearch.search.results import Hit
from bigsearch.tui.messages import MeetingChosen
from bigsearch.tui.wording import counted

HELP = """\
[b]bigsearch browse[/b]

  /          sök (fokus på sökrutan)
  Enter      sökrutan: sök · listan: öppna protokollet
  ↑ ↓  j k   flytta; vid sista träffen hämtas fler
  PgUp PgDn  en sida upp/ner · Home End: första/sista
  s          sortering: relevans → nyast → äldst först
  Tab        sökruta → träffar → filter (Shift+Tab bakåt)
  Enter      i filterrutan: filtret på/av (✓ = aktivt)
  x          ta bort alla filter
  f          filterrutan: bred → dold → normal
  m          mötet: hela protokollet med närvarande
  p          personerna i stycket → deras möten
  o          öppna originalfilen
  y          kopiera träffens id
  Esc        tillbaka: stänger en vy, lämnar sökrutan
  q          avsluta

Frågespråk: ord (alla måste finnas), "fraser", OR,
NOT ord / -ord, fält:värde (huvudman:, person:,
plats:, år:, organ:), prefix*, fuzzy~
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Stäng")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP)


class ProtocolScreen(Screen):
    """The whole protocol (the meeting view), scrolled to the paragraph that was opened (with its
    heading when that fits), or from its top when no paragraph was (`target` None)."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tillbaka"), Binding("j", "scroll_down", show=False),
                Binding("k", "scroll_up", show=False)]

    def __init__(self, target: Hit | None, paragraphs: list[Hit], title: str, attendees: list | None = None) -> None:
        super().__init__()
        self.target = target
        self._heading_of_target: str | None = None
        self.paragraphs = paragraphs
        self.title_text = title
        self.attendees = attendees or []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="protocol"):
            yield Static(Text(self.title_text, style="bold"), classes="protocol-title")
            if self.attendees:
                people = Text("Närvarande: ", style="bold")
                people.append("; ".join(
                    a.name + (f" ({', '.join(p for p in (a.organisation, a.role) if p)})" if (a.organisation or a.role) else "")
                    for a in self.attendees
                ), style="")
                yield Static(people, classes="protocol-attendees")
            last_place = None
            heading_id = None
            for number, paragraph in enumerate(self.paragraphs):
                place = (paragraph.section, paragraph.section_title, paragraph.principal)
                if place != last_place:
                    heading = where(paragraph.section, paragraph.section_title)
                    if paragraph.principal:
                        heading += f" — {paragraph.principal}"
                    heading_id = f"h-{number}"
                    yield Static(Text(heading, style="bold cyan"), id=heading_id, classes="protocol-heading")
                    last_place = place
                is_target = self.target is not None and paragraph.id == self.target.id
                if is_target:
                    self._heading_of_target = heading_id
                body = highlighted(self.target.text, self.target.highlights) if is_target else Text(paragraph.text)
                yield Static(body, id=f"p-{_safe(paragraph.id)}", classes="target" if is_target else "paragraph")
        yield Footer()

    def on_mount(self) -> None:
        if self.target is not None:
            self.call_after_refresh(self._scroll_to_target)

    def _scroll_to_target(self) -> None:
        protocol = self.query_one("#protocol")
        target = self.query_one(f"#p-{_safe(self.target.id)}")
        top = target
        if self._heading_of_target:
            heading = self.query_one(f"#{self._heading_of_target}")
            if target.virtual_region.y - heading.virtual_region.y < protocol.size.height // 2:
                top = heading  # the § it belongs to is in view too
        protocol.scroll_to_widget(top, animate=False, top=True)


def _safe(identifier: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in identifier)


class MeetingList(OptionList):
    BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]


class PersonScreen(Screen):
    """A person's meetings: attended, chaired, kept the minutes, reported, mentioned. Enter opens one."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tillbaka")]

    def __init__(self, report: dict) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        rows = self.report["meetings"]
        attended = sum(1 for row in rows if row["attended"])
        yield Static(Text(f"{self.report['name']} — närvarande vid {counted(attended, 'möte')}, med i {len(rows)}",
                          style="bold"), classes="person-title")
        yield Static(Text("Enter öppnar mötet · Esc tillbaka", style="dim"), classes="person-hint")
        meetings = MeetingList(*[Option(meeting_lines(row), id=f"meeting-{n}") for n, row in enumerate(rows)],
                               id="person")
        meetings.border_title = "Möten"
        yield meetings
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.report["meetings"][event.option_index]
        first = next((item["id"] for key in ("reported", "mentioned") for item in row[key]), None)
        self.post_message(MeetingChosen(row["meeting"], first))


def meeting_lines(row: dict) -> Text:
    lines = Text()
    lines.append(f"{row['date'] or 'utan datum'}  {row['body'] or ''}  [{row['meeting']}]", style="bold cyan")
    if row["attended"]:
        extra = ", ".join(p for p in (row["attended"].get("organisation"), row["attended"].get("role")) if p)
        lines.append("\n  närvarande" + (f" ({extra})" if extra else ""))
    if row["chaired"]:
        lines.append("\n  ordförande")
    if row["minutes"]:
        lines.append("\n  förde protokollet")
    for label, key in (("rapporterade", "reported"), ("nämnd", "mentioned")):
        for item in row[key]:
            lines.append(f"\n  {label}: {where(item['section'], item['title'])}  [{item['id']}]")
    return lines


class PickPersonScreen(ModalScreen):
    """Which of the paragraph's people to show."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Stäng")]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        picker = OptionList(*self.names, id="pick-person")
        picker.border_title = "Välj person"
        yield picker

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(self.names[event.option_index])
