"""Attendance as a block parser: the lines under an attendance label, split into people.

A line may hold one person ("Anna Ek (S), ordförande", "Anna Ek<TAB>Polisen", "Anna Ek  Välfärd
Gävle"), several ("Kjell Alexandersson (S) ordförande, Eva Johansson (C)", "Närvarande: A, B och
C", a whole block run together in a transcript), or a table row with a presence mark ("X").
People are found where names start: runs of capitalised words split into names by first names,
party markers "(S)", commas, "och", tabs and column positions. Each person keeps the party or
organisation, the role and the presence mark written with the name; "X ersätter Y" and
"tjg ersättare för Y" name Y as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bigsearch.domain.principals import Registry
from bigsearch.ingest.model import Attendee
from bigsearch.ingest.names import first_names, is_name_token, looks_like_name

_COLUMNS = re.compile(r"\t+|\s{2,}")
# "(S)", "(kd)", "(-)", or an organisation in brackets: "(Polisen)", "(Gästrike Räddningstjänst)".
_PARTY = re.compile(r"^\s*\(\s*([A-Za-zÅÄÖåäö][\w&./ -]{0,39}|-)\s*\)")
_TRAILING_PARTY = re.compile(r"\s+([A-ZÅÄÖ]{1,3})$")
# Partial attendance written with a name: "§§ 50-61", "t.o.m. punkt 5", "ej 13", "del av § 159", "kl 13-15".
_NOTE = (r"(?:§§?\s*\d[\d\s,–-]*|(?:t\.?\s?o\.?\s?m\.?|fr\.?\s?o\.?\s?m\.?|del av|ej|ej\s+§)\s+(?:punkt\s+|§\s*|kl\.?\s*)?"
         r"\d[\d\s,.:–-]*|kl\.?\s*[\d.:]+(?:\s*[-–]\s*[\d.:]+)?|del av\s+\d[\d\s,–-]*)")
_ATTENDANCE_NOTE = re.compile(rf"\s*,?\s*(?:{_NOTE}|\d{{1,3}}(?:\s*[-–,]\s*\d{{1,3}})*)\s*$", re.IGNORECASE)
_INNER_NOTE = re.compile(rf"(?<![\w])(?:{_NOTE})(?=\s|,|$)", re.IGNORECASE)
_ROLE_WORDS = re.compile(
    r"ordf|ordförande|sekreterare|sekr\b|ersättare|ers\b|ersätter|tjg|ledamot|chef|samordnare|strateg|handläggare|"
    r"rektor|controller|ekonom|jurist|direktör|ansvarig|utvecklare|koordinator|assistent|ombud|revisor|"
    r"föredragande|kommunalråd|sakkunnig|konsult|utredare|inspektör|officer|polis\w*chef|gruppledare|vice|"
    r"planerare|kommunpolis|representant|tjänsteman|tjänsteperson",
    re.IGNORECASE,
)
# A word naming an organisation, never part of a person's name: "Räddningstjänsten", "Vuxenvården".
_ORG_WORD = re.compile(
    r"(?:tjänst|vård|nämnd|förvaltning|kontor|enhet|myndighet|polis|kommun|region|styrelse|skola|bolag|"
    r"förbund|verk|teknik|fritid|kultur|omsorg|service|centrum|föreningen|avdelning|sektor|landsting|"
    r"utskott|fullmäktige|kansli|bostäder|hem)(?:en|et|n|t|ar|er|arna|erna|s)?$",
    re.IGNORECASE,
)
# A word naming a role, never part of a name: "Tillväxtchef", "Nämndsekreterare".
_ROLE_TOKEN = re.compile(
    r"(?:chef|samordnare|sekreterare|strateg|handläggare|ordförande|ordf|ansvarig|direktör|controller|ekonom|"
    r"jurist|rektor|planerare|utredare|konsult|assistent|koordinator|inspektör|ombud|revisor|ledamot|ersättare|"
    r"tjänsteman|polis|kommunalråd|representant|justerare|justerande|suppleant|kassör|revisor)\.?$",
    re.IGNORECASE,
)
_PARTICLES = {"von", "af", "de", "van", "der", "den", "la", "di", "da", "al", "el", "bin", "ibn", "du"}
_SURNAME = re.compile(r"(?:son|sson|berg|ström|lund|gren|qvist|kvist|quist|dahl|holm|stedt|stam|sten|man|bäck|ling|"
                      r"lin|ander|ius|blad|fors|sjö|vall|gård|bom|hed|mark|rud|borg)$", re.IGNORECASE)
_TOKEN = re.compile(r"\(\s*[^()]{1,40}\)|[^\s,;()]+|[,;()]")
_SEPARATORS = {",", ";", "och", "samt", "&", "/"}
_ABSENT_BEFORE = {"för", "ersätter", "ersatt", "istället"}
_PRESENT_MARK = re.compile(r"^[xX✓✔]$")


@dataclass
class Span:
    start: int
    end: int
    absent: bool = False  # named as the one replaced ("tjg ersättare för Y", "X ersätter Y")


def _is_name_part(token: str) -> bool:
    return is_name_token(token) and not _ORG_WORD.search(token) and not _ROLE_TOKEN.search(token)


def _organisations(tokens: list[re.Match]) -> set[str]:
    """Capitalised words written after several people's names ("Hans Jönsson Boliden Mattias Hedlund
    Boliden"): an organisation in a table's other column, never part of a name. A surname that
    recurs follows first names ("Ulrika Johansson … Micael Johansson") and is not one."""
    known = first_names()
    after_surname: dict[str, int] = {}
    for before, token in zip(tokens, tokens[1:], strict=False):
        word, previous = token.group(), before.group()
        if is_name_token(word) and is_name_token(previous) and previous not in known:
            after_surname[word] = after_surname.get(word, 0) + 1
    return {word for word, count in after_surname.items() if count >= 2 and word not in known}


def name_spans(text: str) -> list[Span]:
    """Where the people named in `text` stand: runs of capitalised words split into names of two
    to four words, each starting (where the data knows it) with a first name."""
    tokens = list(_TOKEN.finditer(text))
    organisations = _organisations(tokens) if len(tokens) >= 6 else set()
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        if not _is_name_part(tokens[index].group()) or tokens[index].group() in organisations:
            index += 1
            continue
        end = index
        while end + 1 < len(tokens):
            nxt = tokens[end + 1].group()
            if nxt in organisations:
                break
            if _is_name_part(nxt) or (
                (nxt in _PARTICLES or re.fullmatch(r"[A-ZÅÄÖ]\.?", nxt))
                and end + 2 < len(tokens) and _is_name_part(tokens[end + 2].group())
            ):
                end += 1
            else:
                break
        run = [t.group() for t in tokens[index: end + 1]]
        before = tokens[index - 1].group().lower() if index else ""
        after = tokens[end + 1].group() if end + 1 < len(tokens) else ""
        after2 = tokens[end + 2].group() if end + 2 < len(tokens) else ""
        absent = before in _ABSENT_BEFORE
        for first, last in _split_run(run, _closed(before, index == 0), _closed_after(after, after2), before):
            spans.append(Span(tokens[index + first].start(), tokens[index + last].end(), absent))
        index = end + 1
    return spans


def _closed(before: str, at_start: bool) -> bool:
    # After a separator, a bracket, a full stop or a number ending a note ("t.o.m. punkt 5 Anna Ek").
    return at_start or before in _SEPARATORS or before.endswith((")", ":", ".")) or before[-1:].isdigit()


def _closed_after(after: str, after2: str) -> bool:
    if after in ("och", "samt", "&"):
        return after2[:1].isupper()  # "Tore Olsson och Per-Erik Åhlund", not "Arbete och välfärdsnämnden"
    return not after or after in _SEPARATORS or after.startswith("(")


def _split_run(run: list[str], open_ok: bool, close_ok: bool, before: str) -> list[tuple[int, int]]:
    """Names in a run of capitalised words, as (first, last) token indexes: the best cover of the
    run by names of 2–4 words, leaving words at its ends to the text around it when that reads better."""
    known = first_names()
    n = len(run)
    if n < 2:
        return []
    skip_cost_start = 0.0 if before in _FUNCTION_WORDS else (0.9 if open_ok else 0.4)
    skip_cost_end = 0.9 if close_ok else 0.3
    # best[i]: the best score covering run[:i]; choice[i]: (start of the last name, or -1 for a skipped word)
    best = [float("-inf")] * (n + 1)
    choice: list[tuple[int, bool]] = [(0, False)] * (n + 1)
    best[0] = 0.0
    for i in range(1, n + 1):
        # the word before i left to the text around the names: at the run's start, or between two
        # names (an organisation written without separators: "Hans Jönsson Boliden Mattias Hedlund")
        if best[i - 1] > float("-inf") and i < n:  # words left at the run's end: see below
            leading = i - 1 == 0 or all(not c for c in _names_before(choice, i - 1))
            score = best[i - 1] - (skip_cost_start if leading else SKIP_INSIDE)
            if score > best[i]:
                best[i], choice[i] = score, (i - 1, False)
        for size in (2, 3, 4):
            start = i - size
            if start < 0 or best[start] == float("-inf"):
                continue
            words = run[start:i]
            if words[0] not in known and words[0].split("-")[0] not in known:
                # A name the data does not know must stand next to another name, a separator or its party.
                left = (start == 0 and open_ok) or (start > 0 and choice[start][1])
                right = (i == n and close_ok)
                if not (left or right):
                    continue
            score = best[start] + _name_score(words, known)
            if score > best[i]:
                best[i], choice[i] = score, (start, True)
    # words at the end of the run may belong to the text after it (the last name then must be known)
    end, total = n, best[n]
    for cut in range(n - 1, 0, -1):
        if best[cut] == float("-inf") or not choice[cut][1]:
            continue
        last = run[choice[cut][0]]
        if last not in known and last.split("-")[0] not in known:
            continue
        if best[cut] - skip_cost_end * (n - cut) > total:
            end, total = cut, best[cut] - skip_cost_end * (n - cut)
    names: list[tuple[int, int]] = []
    i = end
    while i > 0:
        start, is_name = choice[i]
        if is_name:
            names.append((start, i - 1))
        i = start
    names.reverse()
    return names


def _names_before(choice: list[tuple[int, bool]], i: int) -> list[bool]:
    out = []
    while i > 0:
        start, is_name = choice[i]
        out.append(is_name)
        i = start
    return out


SKIP_INSIDE = 0.7  # the cost of a capitalised word between two names that belongs to neither
_FUNCTION_WORDS = {"i", "på", "vid", "från", "av", "inom", "hos", "med", "mot", "till", "under", "över", "om"}


def _name_score(words: list[str], known: frozenset[str]) -> float:
    if any(w in _PARTICLES for w in (words[0], words[-1])):
        return float("-inf")
    score = {2: 1.0, 3: 0.2, 4: -0.8}[len(words)]
    first = words[0]
    if first in known or first.split("-")[0] in known:
        score += 1.5
    elif _SURNAME.search(first):
        score -= 1.9
    else:
        score -= 0.7
    if len(words) >= 3 and (words[1] in known or words[1] in _PARTICLES or re.fullmatch(r"[A-ZÅÄÖ]\.?", words[1])):
        score += 0.8  # "Bo Lennart Danielsson", "Christina H Gardos", "Linn Cederholm von Schmalensee"
    if len(words) >= 3 and _SURNAME.search(words[-2]) and _SURNAME.search(words[-1]):
        score += 0.6  # "Ann Norling Gustafsson", "Stihna Johansson Evertsson"
    for word in words[1:]:
        if word in known and word not in words[1:2]:
            score -= 0.8  # a first name inside a name starts the next one
    if words[-1] in known and len(words) == 2 and first not in known:
        score -= 0.6
    return score


# -- one entry: a name and what is written with it ---------------------------------------------------


def parse_entry(text: str, registry: Registry) -> Attendee | None:
    """One attendee written as "Name (S), ordförande", "Name, polisen", "Name (M), tjg ersättare för …",
    "Name  Organisation" or "Name S"; None when `text` does not start with a name."""
    text = _ATTENDANCE_NOTE.sub("", text.strip().rstrip(".;")).strip().lstrip("*").strip()
    columns = [c.strip() for c in _COLUMNS.split(text) if c.strip()]
    present = None
    if columns and _PRESENT_MARK.match(columns[-1]) and len(columns) > 1:
        present = True
        columns = columns[:-1]
    head, *others = columns or [""]
    name, rest = _split_name(head)
    if name is None:
        return None
    organisation: str | None = None
    role: str | None = None
    party = _PARTY.match(rest)
    if party:
        organisation = party[1]
        rest = rest[party.end():]
    rest = rest.strip().lstrip(",").strip()
    extras = [part for part in [rest, *others] if part]
    for extra in extras:
        for part in (p.strip() for p in re.split(r",\s*(?![^()]*\))", extra) if p.strip()):
            if organisation is None and registry.resolve(part):
                organisation = part
            elif organisation is None and _PARTY.fullmatch(part):
                organisation = _PARTY.match(part)[1]
            elif role is None and _ROLE_WORDS.search(part):
                role = part
            elif organisation is None and part[:1].isupper():
                organisation = part
            elif role is None:
                role = part
            else:
                role = f"{role}, {part}"
    attendee = Attendee(name=name, organisation=organisation, role=role)
    if present:
        attendee.present = True
    match = registry.resolve(organisation) if organisation else None
    attendee.principal = match.principal if match else None
    return attendee


def _split_name(text: str) -> tuple[str | None, str]:
    """("Anna Ek", "(S), ordförande") from "Anna Ek (S), ordförande"; (None, text) without a name."""
    cut = re.search(r"\s*(?:\(|,)", text)
    candidate, rest = (text[: cut.start()], text[cut.start():]) if cut else (text, "")
    candidate = candidate.strip()
    trailing = _TRAILING_PARTY.search(candidate)
    if trailing and looks_like_name(candidate[: trailing.start()]):
        return candidate[: trailing.start()], f"({trailing[1]}){rest}"
    if looks_like_name(candidate):
        return candidate, rest
    spans = name_spans(candidate)
    if spans and spans[0].start == 0:
        return candidate[: spans[0].end], candidate[spans[0].end:] + rest
    words = candidate.split()
    for size in (4, 3, 2):  # "Anna Ek ersätter Per Berg (M)", "Anna Ek ordförande": a name followed by words
        if len(words) > size and looks_like_name(" ".join(words[:size])) and words[size][:1].islower():
            return " ".join(words[:size]), " ".join(words[size:]) + rest
    return None, text


# -- a block ------------------------------------------------------------------------------------------


@dataclass
class Block:
    """What an attendance block says: who was there, and who it names as absent."""

    attendees: list[Attendee]
    absent: list[str]


def parse_block(lines: list[str], registry: Registry) -> Block:
    """Attendees in any of the layouts minutes use.

    "Name<TAB>Org", "Name  Org" (two or more spaces), "Name Org" where Org is a known
    organisation, "Name (S), ordförande", "Name, role", several names on one line (or a whole
    block on one line), a table row with a presence mark, or a column of names followed by a
    column of organisations (zipped).
    """
    found: list[Attendee] = []
    absent: list[str] = []
    name_only: list[tuple[str, int]] = []  # (name, block): a column of names, maybe zipped with organisations
    block = 0
    for raw in rejoin_wrapped_names(lines):
        text = _clean(raw)
        if not text:
            block += 1 if raw.strip() == "" else 0
            continue
        columns = [c.strip() for c in _COLUMNS.split(text) if c.strip()]
        if len(columns) >= 2:
            if all(_is_plain_entry(c) for c in columns) and any(re.search(r"\([A-Za-zÅÄÖåäö-]{1,5}\)", c) for c in columns):
                found.extend(e for e in (parse_entry(c, registry) for c in columns) if e)
                continue
            entry = parse_entry(text, registry)
            if entry is None and looks_like_name(columns[0]):
                org = " ".join(columns[1:])
                match = registry.resolve(org)
                entry = Attendee(name=columns[0], organisation=org, principal=match.principal if match else None)
            if entry is not None:
                found.append(entry)
                continue
        name, org = _split_known_organisation(text, registry)
        if org:
            match = registry.resolve(org)
            found.append(Attendee(name=name, organisation=org, principal=match.principal if match else None))
            continue
        if looks_like_name(text):
            name_only.append((text, block))
            continue
        people, gone = _several(text, registry)
        absent.extend(gone)
        if len(people) >= 2:
            found.extend(people)
            continue
        entry = parse_entry(text, registry)
        if entry is not None and (entry.organisation or entry.role or entry.present):
            found.append(entry)
        else:
            name_only.append((entry.name if entry else text, block))
    if name_only:
        for name, org in _zip_columns(name_only, registry):
            match = registry.resolve(org) if org else None
            found.append(Attendee(name=name, organisation=org, principal=match.principal if match else None))
    return Block(found, absent)


_LAST_WORD = re.compile(r"(?<=\s)([A-ZÅÄÖÉ][a-zåäöéü]+)$")
_FIRST_WORD = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ]?[a-zåäöéü]+)*(?=[\s,(]|$)")


def rejoin_wrapped_names(lines: list[str]) -> list[str]:
    """A name the page width broke ("… 2:e vice ordförande Susann" / "Karlsson (S) …"): the first
    name at a line's end goes to the start of the next line when that starts with a surname (a
    word that is no first name, standing alone before its party, or after a known first name)."""
    out = [line.rstrip() for line in lines]
    for index in range(len(out) - 1):
        line, following = out[index], out[index + 1].lstrip()
        match = _LAST_WORD.search(line)
        if match is None or "\t" in line[-len(match[1]) - 2:]:
            continue
        surname = _FIRST_WORD.match(following)
        if surname is None or surname[0] in first_names():
            continue
        # A known first name, a word standing alone as a list's last entry ("…, Lasse"), or any word
        # when the next line's surname stands alone before its party.
        alone = line[: match.start()].rstrip().endswith(",")
        if match[1] not in first_names() and not alone and not _PARTY.match(following[surname.end():]):
            continue
        out[index] = line[: match.start()].rstrip()
        out[index + 1] = f"{match[1]} {following}"
    return out


def _clean(text: str) -> str:
    text = re.sub(r"(\d)([A-ZÅÄÖ][a-zåäö])", r"\1 \2", text.strip())  # "§§ 50-61Tomas Rikse"
    text = _FULL_STOP.sub("", text)  # a list of names ending its sentence
    return _ATTENDANCE_NOTE.sub("", text).strip()


_FULL_STOP = re.compile(r"(?<=[a-zåäöéü]{2})\.$")


def _is_plain_entry(text: str) -> bool:
    """A name alone or with its party: "Anna Ek (S)"; a column of its own in a two-column list."""
    name, rest = _split_name(text)
    return name is not None and bool(re.fullmatch(r"\s*(\([A-Za-zÅÄÖåäö-]{1,5}\))?\s*(,\s*\w+\.?)?\s*", rest))


def _several(text: str, registry: Registry) -> tuple[list[Attendee], list[str]]:
    """Several attendees on one line: split where names start ("Anna Ek (S), Per Berg (M) och Eva
    Lind (V)", "Kjell Ek (S) ordförande, Eva Holm (C)", a transcript's whole list on one line)."""
    spans = name_spans(text)
    present = [s for s in spans if not s.absent]
    gone = [text[s.start: s.end] for s in spans if s.absent]
    if len(present) < 2:
        return [], gone
    people: list[Attendee] = []
    for k, span in enumerate(present):
        end = present[k + 1].start if k + 1 < len(present) else len(text)
        piece = text[span.start:end].strip().rstrip(",;").strip()
        piece = re.sub(r"(?:\s*(?:,|\boch\b|\bsamt\b|&))+\s*$", "", piece)
        piece = _INNER_NOTE.sub("", piece)
        entry = parse_entry(piece, registry)
        if entry is None or entry.name != text[span.start: span.end]:
            entry = Attendee(name=text[span.start: span.end])
            rest = text[span.end:end]
            party = _PARTY.match(rest)
            if party:
                entry.organisation = party[1]
        match = registry.resolve(entry.organisation) if entry.organisation else None
        entry.principal = match.principal if match else entry.principal
        people.append(entry)
    return people, gone


def _split_known_organisation(text: str, registry: Registry) -> tuple[str, str | None]:
    folded = text.casefold()
    for alias in registry.all_aliases():
        if folded.endswith(" " + alias) and len(text) > len(alias) + 3:
            name = text[: len(text) - len(alias)].strip()
            if looks_like_name(name):
                return name, text[len(name):].strip()
    return text, None


def _zip_columns(lines: list[tuple[str, int]], registry: Registry) -> list[tuple[str, str | None]]:
    """A column of names followed by a column of organisations (two blocks, or one block whose
    second half are known organisations)."""
    groups: list[list[str]] = []
    last_block = None
    for text, block in lines:
        if block != last_block:
            groups.append([])
            last_block = block
        groups[-1].append(text.strip())
    if len(groups) == 2 and len(groups[0]) == len(groups[1]) and all(looks_like_name(n) for n in groups[0]):
        return list(zip(groups[0], groups[1], strict=True))
    flat = [text for group in groups for text in group]
    half = len(flat) // 2
    if len(flat) % 2 == 0 and half and all(registry.resolve(org) for org in flat[half:]):
        return list(zip(flat[:half], flat[half:], strict=True))
    return [(text, None) for text in flat if looks_like_name(text)]
