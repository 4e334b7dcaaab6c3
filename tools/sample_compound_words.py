"""Draw the words of ``tests/data/compounds_running.tsv``: a uniform sample of running-text words.

    python tools/sample_compound_words.py [--size 360] [--seed 17] > candidates.tsv

Prints, in sample order, ``rank<TAB>word<TAB>frequency<TAB>case`` for the first
``--size`` word types of a seeded shuffle of every distinct word of 8 or more
letters in the bundled 10kGNAD sample (``src/newssearch/data/10kgnad/articles.csv``,
1,028 DER STANDARD articles, CC BY-NC-SA 4.0). The words were then labelled by
hand (``tests/data/compounds_running.README.md``).

How a word type is found:

1. Each article's text (the ``text`` column of the ``;``-separated, ``'``-quoted
   ``category;text`` rows, teaser included) has URLs, e-mail addresses and
   handles removed (every whitespace-separated chunk matching ``URL_OR_HANDLE``).
2. Tokens are the maximal runs of letters, ``[^\\W\\d_]+``: a hyphen, apostrophe,
   digit or any other non-letter ends a token (``Online-Werkzeug`` gives
   ``Online`` and ``Werkzeug``).
3. Tokens of fewer than 8 letters are dropped, and so are tokens that are
   neither all lowercase nor capitalised (first letter upper case, the rest
   lower case): ``STANDARD``, ``WhatsApp``, run-together hashtags and ids.
4. Tokens are grouped by their casefolded form (``Zahlreiche`` and
   ``zahlreiche`` are one type). A type is shown in its most frequent surface
   form; on a tie, the lowercase form, then the first in code-point order.
5. Types that are a word of ``tests/data/compounds_dev.tsv`` or an obvious
   inflected variant of one are dropped: after casefolding and replacing
   ä, ö, ü by a, o, u, the one is the other plus one of ``ENDINGS``.

The remaining types are sorted (by casefolded form), shuffled with
``random.Random(seed)`` and the first ``size`` taken: every type has the same
chance, whatever its frequency.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "newssearch" / "data" / "10kgnad" / "articles.csv"
DEV = ROOT / "tests" / "data" / "compounds_dev.tsv"

SEED = 17
SIZE = 360
MIN_LETTERS = 8
URL_OR_HANDLE = re.compile(r"\S*(?:www\.|://|@)\S*")
TOKEN = re.compile(r"[^\W\d_]+")
#: Inflectional endings that make a word an "obvious variant" of a dev-list word.
ENDINGS = ("", "e", "n", "en", "s", "es", "er", "ern", "em", "ns", "ens")
_UMLAUTS = str.maketrans("äöü", "aou")


@dataclass(frozen=True)
class WordType:
    word: str  # the most frequent surface form
    frequency: int  # occurrences of all its surface forms
    case: str  # "lowercase" or "capitalised"


def case_of(word: str) -> str:
    return "lowercase" if word.islower() else "capitalised"


def read_texts(path: Path = CORPUS) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row[1] for row in csv.reader(f, delimiter=";", quotechar="'")]


def tokens(text: str) -> list[str]:
    """The letter runs of ``text`` after URLs, e-mail addresses and handles are removed."""
    return TOKEN.findall(URL_OR_HANDLE.sub(" ", text))


def well_formed(token: str) -> bool:
    return len(token) >= MIN_LETTERS and (
        token.islower() or (token[0].isupper() and token[1:].islower())
    )


def _normal(word: str) -> str:
    return word.casefold().translate(_UMLAUTS)


def variant_checker(words: Iterable[str]) -> Callable[[str], bool]:
    """A test: is a word one of ``words``, or one of them plus or minus one of ``ENDINGS``,
    after casefolding and ä, ö, ü → a, o, u?"""
    stems = {_normal(w) for w in words}
    inflected = {s + e for s in stems for e in ENDINGS}

    def is_variant(word: str) -> bool:
        normal = _normal(word)
        return normal in inflected or any(normal + e in stems for e in ENDINGS)

    return is_variant


def is_dev_variant(word: str, dev: Iterable[str]) -> bool:
    """Whether ``word`` is a word of ``dev`` or an obvious inflected variant of one."""
    return variant_checker(dev)(word)


def word_types(texts: list[str], exclude: list[str]) -> list[WordType]:
    """Every well-formed type of ``texts`` that is no variant of a word in ``exclude``,
    sorted by casefolded form."""
    forms = Counter(t for text in texts for t in tokens(text) if well_formed(t))
    groups: dict[str, list[tuple[str, int]]] = {}
    for form, n in forms.items():
        groups.setdefault(form.casefold(), []).append((form, n))
    excluded = variant_checker(exclude)
    out = []
    for key in sorted(groups):
        if excluded(key):
            continue
        form = min(groups[key], key=lambda fn: (-fn[1], not fn[0].islower(), fn[0]))[0]
        out.append(WordType(form, sum(n for _, n in groups[key]), case_of(form)))
    return out


def read_dev_words(path: Path = DEV) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row["word"] for row in csv.DictReader(f, delimiter="\t")]


def sample(size: int = SIZE, seed: int = SEED) -> list[WordType]:
    """The first ``size`` types of the seeded shuffle (a prefix of every larger sample)."""
    population = word_types(read_texts(), read_dev_words())
    random.Random(seed).shuffle(population)
    return population[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for rank, t in enumerate(sample(args.size, args.seed), 1):
        print(f"{rank}\t{t.word}\t{t.frequency}\t{t.case}")


if __name__ == "__main__":
    main()
