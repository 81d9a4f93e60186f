"""Every way a text names a country: its names, its demonym, its capital, and the codes English writes.

A question says "colombia", the item says "Colombian presidential candidate"; a question says "tehran",
the item says "Iran". Names come from ISO 3166 (pycountry: name and common name) and from countryinfo's
maintained table (name, alternative spellings, demonym, capital), so every country is covered, not a hand
list of a few. Capitals stand for their governments ("Moscow", "Kyiv", "Washington"), except Brussels, which
stands for the European Union. A word of a country's name that no other name has stands for it ("saudi"),
unless it is a common English word: "great" is not Great Britain, "fish" not Flying Fish Cove.

Codes are matched only as written in capitals in an item ("UAE", "UK", "USA", "U.S."): two-letter ISO codes
are mostly words or acronyms in running text ("IT", "AI", "ID"), so of those only the dotted forms count, and
"US", the one English writes undotted for the country. A question, typed in lower case, names a country by a
code only where the code is no English word ("uae", "uk", "usa"; never "us" or "can").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from digestbot.search.lexicon import english_frequency
from digestbot.search.text import STOPWORDS, tokenize

# Words shared by many countries' names: a country is not named by "republic" or "south" alone.
_GENERIC = """united states state republic democratic people peoples islands island north south east west
    new saint arab kingdom federal federation central african guinea equatorial and the of plurinational
    islamic bolivarian socialist union territory territories sar special administrative region"""
GENERIC = frozenset(_GENERIC.split())
UNDOTTED_CODES = frozenset({"US"})  # see the module docstring
# A capital that stands for an international body, not for its country: "Brussels readies fresh penalties"
# is the European Union; as Belgium's name it made such a question about a country the archive never names.
SEATS = frozenset({"brussels"})
COMMON_WORD = 1000  # a word English uses this often (pyspellchecker's count) names no country on its own
MAX_FORM_TOKENS = 4


@dataclass(frozen=True)
class CountryTable:
    """Token sequences (as ``tokenize`` makes them) that name each country, and the codes items write."""

    forms: dict[tuple[str, ...], str]  # token sequence -> the country's common name
    codes: dict[str, str]  # code as written in capitals -> common name
    spoken_codes: dict[str, str]  # codes a lower-case question may use -> common name
    starts: frozenset[str] = frozenset()  # first tokens of the forms: most tokens start none

    def in_question(self, tokens: Sequence[str], position: int, raw: str) -> tuple[int, str] | None:
        """The country named at ``tokens[position]`` (how many tokens, which country), longest first."""
        if position >= len(tokens):
            return None
        for width in range(min(MAX_FORM_TOKENS, len(tokens) - position), 0, -1):
            found = self.forms.get(tuple(tokens[position : position + width]))
            if found is not None:
                return width, found
        token = tokens[position]
        if token in self.spoken_codes:
            return 1, self.spoken_codes[token]
        if token.upper() in self.codes and re.search(rf"\b{re.escape(token.upper())}\b", raw):
            return 1, self.codes[token.upper()]
        return None

    def in_text(self, tokens: Sequence[str], raw: str) -> frozenset[str]:
        """Every country a text names: by any form among its tokens, or by a code in capitals."""
        found: set[str] = set()
        for position, token in enumerate(tokens):
            if token not in self.starts:
                continue
            for width in range(1, min(MAX_FORM_TOKENS, len(tokens) - position) + 1):
                country = self.forms.get(tuple(tokens[position : position + width]))
                if country is not None:
                    found.add(country)
        if any(code in raw for code in self.codes):  # cheap test before the regex
            found.update(self.codes[code] for code in _CODE.findall(raw) if code in self.codes)
        return frozenset(found)


_CODE = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,3}|[A-Z]{2,4})(?![\w])")


@lru_cache(maxsize=1)
def country_table() -> CountryTable:
    """The table, built once on first use (countryinfo and pycountry load only then)."""
    forms: dict[tuple[str, ...], set[str]] = defaultdict(set)
    codes: dict[str, str] = {}
    spoken: dict[str, str] = {}
    countries = sorted(_countries(), key=lambda country: -country.population)
    rank = {country.common: number for number, country in enumerate(countries)}
    titles: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for country in countries:
        for name in country.names:
            _add(forms, tokenize(name), country.common)
        for name in country.titles:
            _add(titles, tokenize(name), country.common)
        for code in country.codes:
            codes[code] = country.common
        for code in country.spoken:
            spoken[code.lower()] = country.common
    # A form several countries share ("American", "British", "French", "Korean") names the most populous
    # of them: the United States, not its outlying islands.
    table = {form: min(names, key=rank.__getitem__) for form, names in forms.items()}
    for word, name in _distinctive_words(titles).items():
        table.setdefault((word,), name)
    return CountryTable(table, codes, spoken, frozenset(form[0] for form in table))


def _add(forms: dict[tuple[str, ...], set[str]], tokens: list[str], common: str) -> None:
    tokens = [token for token in tokens if len(token) > 1 or token.isdigit()]  # "Washington D.C."
    while tokens and tokens[-1] in ("d", "c"):
        tokens.pop()
    if tokens and len(tokens) <= MAX_FORM_TOKENS and not set(tokens) <= GENERIC | STOPWORDS:
        forms[tuple(tokens)].add(common)


def _distinctive_words(forms: dict[tuple[str, ...], set[str]]) -> dict[str, str]:
    """A word of a multi-word name or spelling (``forms`` holds no capitals: "Flying Fish Cove") that no
    other country's uses ("saudi", "britain"), unless English uses it often ("great", "peace", "land",
    "province", "heard")."""
    owners: dict[str, set[str]] = defaultdict(set)
    for form, names in forms.items():
        for token in form:
            owners[token] |= names
    multi = {token for form in forms if len(form) > 1 for token in form}
    return {
        token: next(iter(names))
        for token, names in owners.items()
        if token in multi and len(names) == 1 and token not in GENERIC | STOPWORDS and len(token) >= 4
        and english_frequency(token) < COMMON_WORD
    }  # fmt: skip


@dataclass(frozen=True)
class _Country:
    common: str
    population: int
    names: tuple[str, ...]  # every form: names, demonyms, capitals, alternative spellings
    titles: tuple[str, ...]  # its names and spellings, not capitals: one of their words may stand for it
    codes: tuple[str, ...]  # as written in capitals in items
    spoken: tuple[str, ...]  # codes that are no English word: a question may type them in lower case


def _countries() -> Iterable[_Country]:
    import pycountry
    from countryinfo import all_countries

    info: dict[str, Any] = {}
    for entry in all_countries():  # sovereign countries come first; Wales does not replace the UK
        info.setdefault(str((entry.iso() or {}).get("alpha2", "")).upper(), entry)
    iso_entries = [(country.alpha_2, country.alpha_3, country) for country in pycountry.countries]
    extra = [  # countries countryinfo knows and ISO 3166 does not (Kosovo)
        (code, str(entry.iso().get("alpha3", "")), None)
        for code, entry in info.items()
        if code and pycountry.countries.get(alpha_2=code) is None
    ]
    for alpha2, alpha3, country in [*iso_entries, *extra]:
        yield _country(alpha2, alpha3, country, info.get(alpha2))


def _country(alpha2: str, alpha3: str, country: Any, entry: Any) -> _Country:
    names: list[str] = []
    if country is not None:
        common = getattr(country, "common_name", "") or country.name.split(",")[0]
        names += [country.name.split(",")[0], common, getattr(country, "official_name", "") or ""]
    titles = list(names)
    iso = {alpha2, alpha3}
    spoken = [alpha3] if alpha2 in UNDOTTED_CODES else []
    population = 0
    if entry is not None:
        common = entry.name()  # "Russia", not "Russian Federation"
        titles.append(common)
        population = int(entry.population() or 0)
        demonyms = _strings(entry.demonym())  # and their plurals: "Israelis" keeps its "s" in the stemmer
        names += [common, *demonyms, *(f"{demonym}s" for demonym in demonyms), *_strings(entry.capital())]
        spellings = [spelling for spelling in _strings(entry.alt_spellings()) if not _is_code(spelling)]
        names += spellings
        titles += spellings
        spoken += [code for code in _strings(entry.alt_spellings()) if _is_code(code) and code not in iso]
    codes = [alpha3, f"{'.'.join(alpha2)}.", *spoken, *([alpha2] if alpha2 in UNDOTTED_CODES else [])]
    codes = [code for code in codes if code and code.replace(".", "").lower() not in STOPWORDS]
    names = [name for name in names if name.casefold() not in SEATS]
    return _Country(
        common, population, tuple(n for n in names if n), tuple(t for t in titles if t),
        tuple(dict.fromkeys(codes)), tuple(spoken),
    )  # fmt: skip


def _strings(value: Any) -> list[str]:
    """A field of the table as strings: it holds a string, a list of them, or nothing."""
    if isinstance(value, str):
        return [value]
    return [str(part) for part in value] if isinstance(value, list) else []


def _is_code(spelling: str) -> bool:
    return spelling.replace(".", "").isupper() and len(spelling.replace(".", "")) <= 4
