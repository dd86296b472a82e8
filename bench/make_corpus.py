"""Write N synthetic protocols that look like the real ones (deterministic for a seed).

    python bench/make_corpus.py N OUTDIR [--seed S]

Same header and attendee lists (all three layouts), § structure, "Aktuellt från respektive
huvudman" with principal headings, Swedish vocabulary drawn with a Zipf-like frequency from the
bundled corpus plus a Swedish word list (wordfreq), places and persons from the gazetteer and
attendee pools, dates spread over 2005–2026, 15–60 paragraphs each, a share with the letterhead
inserted mid-paragraph.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SURNAMES = ["Andersson", "Berg", "Lind", "Ek", "Holm", "Nyström", "Sandberg", "Lodin", "Engberg", "Matton",
            "Gagge", "Hjalmarsson", "Jennehag", "Dalborg", "Oster", "Vallgren", "Pernu", "Wermaeus", "Strand",
            "Lundqvist", "Falk", "Norberg", "Sjöberg", "Åkesson", "Öberg", "Wikström", "Bergman", "Hedlund"]
HEADING_FORMS = ["{p}:", "{p}", "  {p}", "{p}/{u}:", "{p}: "]
FIXED_SECTIONS = [("Mötets öppnande", "Mötesordförande {chair} hälsade välkommen och öppnade mötet."),
                  ("Dagordning", "Dagordningen godkändes."),
                  ("Föregående protokoll", "Föregående protokoll godkändes och lades till handlingarna.")]
LETTERHEAD = ["BIG BROTTSFÖREBYGGARNA I GÄVLE", "803 25 Gävle. Besöksadress: Nynäs Herrgård, Gavlegränd 2",
              "Tfn 026-17 80 00 (vx), 026-17 99 34, 35, 36 eller 17 97 20 (dir) Fax 026-17 99 40",
              "www.gavle/big.se"]
_WORD = re.compile(r"[a-zåäöé]+")


class Vocabulary:
    """Words with Zipf-like weights: the corpus's own words first, then a general Swedish list."""

    def __init__(self, rng: random.Random) -> None:
        corpus_words: list[str] = []
        for path in sorted((ROOT / "corpus").glob("*.txt")):
            corpus_words += _WORD.findall(path.read_text("utf-8").lower())
        counts: dict[str, int] = {}
        for word in corpus_words:
            counts[word] = counts.get(word, 0) + 1
        ranked = sorted(counts, key=lambda w: -counts[w])
        try:
            from wordfreq import top_n_list

            general = [w for w in top_n_list("sv", 20000) if _WORD.fullmatch(w) and w not in counts]
        except ImportError:  # pragma: no cover - wordfreq is a dependency of bigsearch
            general = []
        # Interleave so both sources reach every frequency band.
        self.words = [w for pair in itertools.zip_longest(ranked, general) for w in pair if w]
        weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def word(self) -> str:
        point = self.rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect_left(self.cumulative, point)]


def _principals() -> list[tuple[str, list[str]]]:
    import tomllib

    data = tomllib.loads((ROOT / "bigsearch" / "data" / "principals.toml").read_text("utf-8"))
    return [(entry["name"], entry.get("known_units", [])) for entry in data["principal"] if entry["name"] != "BIG"]


def _places() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "bigsearch" / "data" / "places.toml").read_text("utf-8"))["places"]


def _first_names() -> list[str]:
    text = (ROOT / "bigsearch" / "data" / "firstnames.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = Vocabulary(self.rng)
        self.principals = _principals()
        self.places = _places()
        self.first_names = _first_names()

    def sentence(self, attendees: list[str]) -> str:
        rng = self.rng
        words = [self.vocabulary.word() for _ in range(rng.randint(6, 22))]
        if rng.random() < 0.25:
            words.insert(rng.randrange(len(words)), rng.choice(self.places))
        if rng.random() < 0.12 and attendees:
            name = rng.choice(attendees)
            words.insert(0, name.split()[0] if rng.random() < 0.6 else name)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, attendees: list[str]) -> str:
        return " ".join(self.sentence(attendees) for _ in range(self.rng.randint(1, 4)))

    def attendees(self) -> list[tuple[str, str]]:
        rng = self.rng
        people = []
        for _ in range(rng.randint(5, 10)):
            name = f"{rng.choice(self.first_names)} {rng.choice(SURNAMES)}"
            org = rng.choice([p for p, _ in self.principals] + ["BIG", "Styrning och stöd, säkerhet"])
            people.append((name, org))
        return people

    def protocol(self, number: int) -> str:
        rng = self.rng
        meeting = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(2026, 12, 31) - dt.date(2005, 1, 1)).days))
        written = meeting + dt.timedelta(days=rng.randint(0, 5))
        people = self.attendees()
        names = [name for name, _ in people]
        lines = ["", written.isoformat(), "", f"Protokoll fört vid ledningsgruppsmöte BIG {meeting.isoformat()}", "",
                 "Närvarande:", ""]
        layout = number % 3
        if layout == 0:
            lines += [f"{name}  {org}" for name, org in people]
        elif layout == 1:
            lines += [f"{name}\t{org}" for name, org in people]
        else:
            lines += names + [""] + [org for _, org in people]
        lines += ["", f"Delges närvarande, {rng.choice(self.first_names)} {rng.choice(SURNAMES)} samt kommunstyrelsen.", ""]
        target = rng.randint(15, 60)
        paragraphs = 0
        section = 0
        chair = names[0]
        for title, body in FIXED_SECTIONS:
            section += 1
            lines += [f"§ {section} {title}", "", body.format(chair=chair), ""]
            paragraphs += 1
        letterhead_at = rng.randint(4, max(5, target - 3)) if rng.random() < 0.3 else -1
        while paragraphs < target - 2:
            section += 1
            if section == 6 or (section > 6 and rng.random() < 0.15):
                lines += [f"§ {section} Aktuellt från respektive huvudman", "",
                          "Representanten för respektive huvudman beskrev vad som är aktuellt inom dess verksamhetsområde.", ""]
                paragraphs += 1
                for principal, units in rng.sample(self.principals, k=rng.randint(2, len(self.principals))):
                    form = rng.choice(HEADING_FORMS if units else [f for f in HEADING_FORMS if "{u}" not in f])
                    lines += [form.format(p=principal, u=rng.choice(units) if units else ""), ""]
                    for _ in range(rng.randint(1, 4)):
                        lines += self._body(names, paragraphs == letterhead_at)
                        paragraphs += 1
            else:
                title = " ".join(self.vocabulary.word() for _ in range(rng.randint(1, 5)))
                lines += [f"§ {section} {title[0].upper() + title[1:]}", ""]
                for _ in range(rng.randint(1, 3)):
                    lines += self._body(names, paragraphs == letterhead_at)
                    paragraphs += 1
        section += 1
        lines += [f"§ {section} Mötet avslutas", "", f"{chair.split()[0]} tackade för visat intresse och avslutade mötet.", "",
                  "Vid protokollet", "", "Justeras", "", names[-1], "", chair]
        return "\n".join(lines) + "\n"

    def _body(self, names: list[str], with_letterhead: bool) -> list[str]:
        text = self.paragraph(names)
        if not with_letterhead:
            return [text, ""]
        words = text.split()
        cut = max(1, len(words) // 2)
        # Break after a word that cannot end a sentence, as the real letterhead breaks do.
        return [" ".join(words[:cut]) + " att", ""] + [line for line in LETTERHEAD for line in (line, "")] + [
            "bevaka " + " ".join(words[cut:]), ""]


def write_corpus(count: int, outdir: Path, seed: int = 1) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    paths = []
    for number in range(count):
        path = outdir / f"protokoll_{number:05d}.txt"
        path.write_text(generator.protocol(number), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_corpus(args.count, args.outdir, args.seed)
    print(f"wrote {len(paths)} protocols to {args.outdir}")


if __name__ == "__main__":
    main()
