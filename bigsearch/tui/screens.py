"""Screens over the main view: help, and the whole protocol around a hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from bigsearch.display import highlighted, where
from bigsearch.search.results import Hit

HELP = """\
[b]bigsearch browse[/b]

  /            sök (fokus på sökrutan)
  Enter        i sökrutan: sök · i listan: öppna hela protokollet
  ↑ ↓  j k     flytta i träfflistan
  PgUp PgDn    en sida upp/ner
  Home End     första/sista träffen
  Tab          byt ruta: sökruta → träffar → filter (Shift+Tab baklänges)
  Enter        i filterrutan: slå på/av filtret
  m            mötet: hela protokollet med närvarande
  p            personerna i stycket (välj en: deras möten)
  o            öppna originalfilen
  y            kopiera träffens id
  ?            den här hjälpen
  q  Esc       avsluta (Esc stänger först en öppen ruta)

Frågespråk: ord (alla måste finnas), "fraser", OR, NOT ord / -ord,
fält:värde (huvudman:, person:, plats:, år:), prefix*, fuzzy~
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Stäng")]

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help")


class ProtocolScreen(Screen):
    """The whole protocol (the meeting view), scrolled to the paragraph that was opened."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tillbaka"), Binding("j", "scroll_down", show=False),
                Binding("k", "scroll_up", show=False)]

    def __init__(self, target: Hit, paragraphs: list[Hit], title: str, attendees: list | None = None) -> None:
        super().__init__()
        self.target = target
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
            for paragraph in self.paragraphs:
                place = (paragraph.section, paragraph.section_title, paragraph.principal)
                if place != last_place:
                    heading = where(paragraph.section, paragraph.section_title)
                    if paragraph.principal:
                        heading += f" — {paragraph.principal}"
                    yield Static(Text(heading, style="bold cyan"), classes="protocol-heading")
                    last_place = place
                is_target = paragraph.id == self.target.id
                body = highlighted(self.target.text, self.target.highlights) if is_target else Text(paragraph.text)
                yield Static(body, id=f"p-{_safe(paragraph.id)}", classes="target" if is_target else "paragraph")
        yield Footer()

    def on_mount(self) -> None:
        target = self.query_one(f"#p-{_safe(self.target.id)}")
        self.call_after_refresh(lambda: self.query_one("#protocol").scroll_to_widget(target, animate=False, top=True))


def _safe(identifier: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in identifier)


class PersonScreen(Screen):
    """A person's meetings: attended, chaired, kept the minutes, reported, mentioned."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tillbaka")]

    def __init__(self, report: dict) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        rows = self.report["meetings"]
        with VerticalScroll(id="person"):
            attended = sum(1 for row in rows if row["attended"])
            yield Static(Text(f"{self.report['name']} — närvarande vid {attended} möten, med i {len(rows)}",
                              style="bold"), classes="protocol-title")
            for row in rows:
                lines = Text()
                lines.append(f"{row['date'] or 'utan datum'}  {row['body'] or ''}  [{row['meeting']}]\n", style="bold cyan")
                if row["attended"]:
                    extra = ", ".join(p for p in (row["attended"].get("organisation"), row["attended"].get("role")) if p)
                    lines.append("  närvarande" + (f" ({extra})" if extra else "") + "\n", style="")
                if row["chaired"]:
                    lines.append("  ordförande\n", style="")
                if row["minutes"]:
                    lines.append("  förde protokollet\n", style="")
                for label, key in (("rapporterade", "reported"), ("nämnd", "mentioned")):
                    for item in row[key]:
                        lines.append(f"  {label}: {where(item['section'], item['title'])}  [{item['id']}]\n", style="")
                yield Static(lines, classes="person-meeting")
        yield Footer()


class PickPersonScreen(ModalScreen):
    """Which of the paragraph's people to show."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Stäng")]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList

        picker = OptionList(*self.names, id="pick-person")
        picker.border_title = "Välj person"
        yield picker

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(self.names[event.option_index])
