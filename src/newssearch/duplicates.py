"""Wire copies: near-duplicate signatures of articles and their story clusters.

An agency story (APA, dpa, Reuters) reaches an archive many times with small
edits: another headline, a trimmed last paragraph, reordered paragraphs, a few
words changed.  At index time each article gets

* a :func:`signature` -- a one-permutation MinHash of the word 3-grams
  ("shingles") of its normalised lead and body, 257 bytes, stable across
  processes, platforms and Python versions (it is stored);
* its :func:`band_keys` -- locality-sensitive hashing bands of the signature as
  32-bit numbers, which the vocabulary file of each segment holds sorted with
  their documents, so that the candidates of a new article are found with a
  binary search per key and segment (:mod:`newssearch.stories`);
* a story label from :func:`assign_stories`: articles whose estimated
  :func:`similarity` (Jaccard of the shingle sets) reaches
  :data:`SAME_STORY` share the label of the story they joined.

The headline is not part of the signature: copies change it, and ten words of
headline against three hundred of body would only add noise.

>>> text = ("Der Verband hat Brasiliens Stürmer Neymar für vier Spiele gesperrt. Zudem "
...     "verhängte der Ausschuss eine Geldstrafe in Höhe von 10.000 US-Dollar gegen den "
...     "23-Jährigen. Damit dürfte Neymar bei der Copa America nicht mehr zum Einsatz "
...     "kommen. Die Entscheidung kann noch angefochten werden.")
>>> a = signature("Neymar gesperrt", "", text)
>>> b = signature("Vier Spiele Sperre", "", text.replace(" noch", ""))
>>> similarity(a, b) >= SAME_STORY
True
>>> signature("", "", "Drei kurze Worte")
b''
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import xor
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "MAX_COMPARED",
    "MIN_WORDS",
    "NUM_HASHES",
    "ROWS",
    "SAME_STORY",
    "SHINGLE_WORDS",
    "SIGNATURE_VERSION",
    "StoryLookup",
    "StoryMember",
    "assign_stories",
    "band_keys",
    "same_story",
    "signature",
    "similarity",
]

#: The first byte of every signature; a change of any parameter below is a new
#: version, and signatures of different versions are never compared.
SIGNATURE_VERSION = 1
#: Words per shingle.  Three keeps shared phrases of different articles ("in der
#: Nacht auf", "sagte er am") rare, yet one changed word breaks only three.
SHINGLE_WORDS = 3
#: MinHash values per signature (bins of one-permutation hashing), 16 bits each.
NUM_HASHES = 128
#: LSH: ``BANDS`` bands of ``ROWS`` values; an article pair with Jaccard ``s``
#: shares a band key with probability ``1 - (1 - s**ROWS) ** BANDS``.
BANDS = 64
ROWS = 2
#: Estimated Jaccard of the shingle sets from which two articles are one story.
SAME_STORY = 0.15
#: In a group of articles sharing a band key, each is compared with at most this many
#: before it (and :mod:`newssearch.stories` reads at most this many indexed articles
#: of a key).  A key that hundreds of articles share stands for a phrase they
#: all use, not for one story; copies share other keys too.  Groups up to this
#: size are compared in full; the bound keeps the work linear in the articles
#: (the 50,000-article bench corpus has 5 larger groups, the largest of 96).
MAX_COMPARED = 64
#: Fewer words of lead and body than this give no signature (the article is a
#: story of its own): in a short text shared boilerplate ("Der Volltext dieses auf
#: Agenturmeldungen basierenden Artikels steht ... nicht mehr zur Verfügung") is
#: most of the shingles, and different stories would look like copies.
MIN_WORDS = 40

_BIN_SHIFT = 32 - (NUM_HASHES - 1).bit_length()  # the top bits of a crc32 pick the bin
_LOW16 = 0xFFFF
_PACK = struct.Struct(f"<B{NUM_HASHES}H")
# A band's two 16-bit values are one 32-bit number (ROWS = 2, little-endian as _PACK).
_BAND_VALUES = struct.Struct(f"<{BANDS}I")
_BAND_SALTS = tuple((band * 0x9E3779B9) & 0xFFFFFFFF for band in range(BANDS))
_LOW_BITS = sum(1 << (16 * i) for i in range(NUM_HASHES))  # the lowest bit of each value
#: Signatures turned into band keys at once, and pairs compared at once (bounds
#: on the temporary arrays: 50,000 signatures' keys take 25 MB).
_SIGNATURES_AT_ONCE = 50_000
_PAIRS_AT_ONCE = 65_536
#: ASCII punctuation and symbols become spaces (bytes.translate runs in C).
_PUNCT = bytes(
    0x20 if (chr(c).isascii() and not chr(c).isalnum() and c != 0x5F) else c for c in range(256)
)
# Typographic punctuation that agencies and editors swap freely; replaced before encoding.
_UNICODE_PUNCT = ("„", "“", "”", "‚", "‘", "’", "«", "»", "–", "—", "…", "\u00a0")


def _words(text: str) -> list[bytes]:
    """Lowercased words of ``text`` as UTF-8 bytes, punctuation dropped."""
    text = text.lower()
    for mark in _UNICODE_PUNCT:
        if mark in text:
            text = text.replace(mark, " ")
    return text.encode("utf-8").translate(_PUNCT).split()


def _densify(bins: dict[int, int]) -> list[int]:
    """All ``NUM_HASHES`` values: an empty bin borrows from a bin picked by a fixed probe.

    This is "optimal densification" (Shrivastava, ICML 2017): both articles of a
    pair probe the same sequence, so an empty bin agrees exactly as often as a
    random full one, and the estimate stays unbiased for short texts.
    """
    out = []
    for i in range(NUM_HASHES):
        value = bins.get(i)
        attempt = 0
        while value is None:
            attempt += 1
            probe = zlib.crc32(i.to_bytes(2, "little") + attempt.to_bytes(4, "little"))
            value = bins.get(probe >> _BIN_SHIFT)
        out.append(value & _LOW16)
    return out


def signature(title: str, lead: str, body: str) -> bytes:
    """The near-duplicate signature of an article: bytes to store, ``b""`` when too short.

    Only ``lead`` and ``body`` count (``title`` is accepted so that callers need
    not know, and so that a later version can weigh it): they are lowercased,
    stripped of punctuation and cut into overlapping word 3-grams, each hashed
    once with CRC-32; the smallest hash in each of 128 bins (by its top 7 bits)
    is kept, 16 bits of it.  An article with fewer than :data:`MIN_WORDS` words
    of lead and body gets ``b""``: it has no band keys and forms its own story.
    """
    del title  # copies change the headline; see the module docstring
    words = _words(f"{lead}\n{body}")
    if len(words) < MIN_WORDS:
        return b""
    join = b" ".join
    shift = _BIN_SHIFT
    bins: dict[int, int] = {}
    smallest = bins.get
    # The smallest hash of each bin (a loop: sorting the hashes first took twice as long).
    for h in map(zlib.crc32, map(join, zip(words, words[1:], words[2:], strict=False))):
        k = h >> shift
        v = smallest(k)
        if v is None or h < v:
            bins[k] = h
    return _PACK.pack(SIGNATURE_VERSION, *_densify(bins))


def _lanes(sig: bytes) -> int | None:
    """The signature's values as one number, 16 bits a value (``None``: not one of ours)."""
    if len(sig) != _PACK.size or sig[0] != SIGNATURE_VERSION:
        return None
    return int.from_bytes(sig[1:], "little")


def _equal_lanes(a: int, b: int) -> int:
    """How many of the 16-bit values two :func:`_lanes` numbers share: the low bit of
    each value of ``a ^ b`` ORed with the value's other 15 bits is 0 where they are
    equal (a few operations on 2,048-bit numbers, not a Python step per value)."""
    x = a ^ b
    x |= x >> 8
    x |= x >> 4
    x |= x >> 2
    x |= x >> 1
    return NUM_HASHES - (x & _LOW_BITS).bit_count()


def band_keys(sig: bytes) -> tuple[int, ...]:
    """The LSH band keys of a signature, one per band; none for ``b""`` or a foreign one.

    A band's ``ROWS`` (two) stored 16-bit values, read as one little-endian 32-bit
    number, XOR a constant of the band: 32-bit keys that the index stores
    beside each segment (:mod:`newssearch.engine.vocabulary`).  Two bands'
    keys can be equal by chance; that only adds a candidate, which the
    signatures' :func:`similarity` then rejects.
    """
    if len(sig) != _PACK.size or sig[0] != SIGNATURE_VERSION:
        return ()
    return tuple(map(xor, _BAND_VALUES.unpack_from(sig, 1), _BAND_SALTS))


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """The estimated Jaccard similarity of two articles' shingle sets, 0.0 to 1.0.

    Empty, foreign or different-version signatures are similar to nothing (0.0).
    The standard error is about ``sqrt(s * (1 - s) / 128)``: 0.032 at ``s = 0.15``.
    """
    a, b = _lanes(sig_a), _lanes(sig_b)
    if a is None or b is None:
        return 0.0
    return _equal_lanes(a, b) / NUM_HASHES


def same_story(sig_a: bytes, sig_b: bytes, *, threshold: float = SAME_STORY) -> bool:
    """Whether two signatures are of one story (estimated Jaccard ``>= threshold``)."""
    return similarity(sig_a, sig_b) >= threshold


# -- story labels ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryMember:
    """An indexed article as the story assignment sees it."""

    id: str
    signature: bytes
    story: str


class StoryLookup(Protocol):
    """What :func:`assign_stories` asks of the index."""

    def candidates(self, keys: tuple[int, ...]) -> Iterable[StoryMember]:
        """Indexed articles with any of these band keys (duplicates allowed)."""
        ...

    def story_members(self, story: str) -> Iterable[str]:
        """Ids of indexed articles labelled ``story``."""
        ...


def assign_stories(
    batch: Sequence[tuple[str, bytes]],
    lookup: StoryLookup,
    *,
    threshold: float = SAME_STORY,
) -> dict[str, str]:
    """Story labels for a batch of new or updated articles ``(id, signature)``.

    The rule, deterministic for a given index and batch:

    1. Articles of the batch that are the same story (``similarity >= threshold``)
       are joined (union-find; a chain of copies is one story).
    2. A group that matches indexed articles joins the story of its most similar
       indexed article (ties: the smaller story label).  Indexed articles are never
       relabelled, so adding articles rewrites no other document; two indexed
       stories that a new article bridges stay two (the new one joins one).
    3. Any other group is a new story labelled with its smallest id; if that label
       is still carried by indexed articles outside the batch (an updated article
       that left its story), ``"<id>~2"``, ``"<id>~3"`` ... is used.

    Indexed versions of the batch's ids are ignored (they are being replaced), so
    an update is "delete, then add" here.  On delete nothing changes: a story
    label is a name, not a pointer, and stays valid when its first article is gone.

    >>> class Empty:
    ...     def candidates(self, keys): return ()
    ...     def story_members(self, story): return ()
    >>> text = " ".join(f"Wort{i}" for i in range(50))
    >>> assign_stories([("b", signature("", "", text)), ("a", signature("", "", text))], Empty())
    {'b': 'a', 'a': 'a'}
    """
    ids = [article_id for article_id, _ in batch]
    sigs = [sig for _, sig in batch]
    in_batch = set(ids)
    parent = list(range(len(ids)))  # union-find over positions in the batch

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Within the batch: the same stories among the articles that share a band key.
    for x, y in _similar_pairs(sigs, threshold):
        a, b = find(x), find(y)
        if a != b:
            a, b = (a, b) if ids[a] < ids[b] else (b, a)
            parent[b] = a  # the smaller id is the root

    # Against the index: the best indexed match of each group.
    best: dict[int, tuple[float, str]] = {}
    for x, sig in enumerate(sigs):
        keys = band_keys(sig)
        if not keys:
            continue
        seen: set[str] = set()
        for member in lookup.candidates(keys):
            if member.id in in_batch or member.id in seen:
                continue
            seen.add(member.id)
            score = similarity(sig, member.signature)
            if score < threshold:
                continue
            root = find(x)
            found = best.get(root)
            if found is None or (-score, member.story) < (-found[0], found[1]):
                best[root] = (score, member.story)

    labels: dict[int, str] = {}
    taken: set[str] = set()
    for root in sorted({find(x) for x in range(len(ids))}, key=ids.__getitem__):
        if root in best:
            label = best[root][1]
        else:
            label = _free_label(ids[root], lookup.story_members, in_batch, taken)
        labels[root] = label
        taken.add(label)
    return {article_id: labels[find(x)] for x, article_id in enumerate(ids)}


def _similar_pairs(sigs: Sequence[bytes], threshold: float) -> Iterator[tuple[int, int]]:
    """Pairs of positions in ``sigs`` of the same story: in each group of signatures
    that share a band key (in position order), each checked against the
    :data:`MAX_COMPARED` before it, kept if their :func:`similarity` reaches
    ``threshold``.

    Which articles end up one story depends only on these pairs (a pair whose
    articles are joined already changes nothing), so all of them are checked at
    once: numpy compares the 128 values of every pair of a part of the keys.
    """
    lanes = _lane_matrix(sigs)
    for part in _key_parts(sigs):
        for xs, ys in _candidate_pairs(part):
            for lo in range(0, len(xs), _PAIRS_AT_ONCE):
                x, y = xs[lo : lo + _PAIRS_AT_ONCE], ys[lo : lo + _PAIRS_AT_ONCE]
                equal = np.count_nonzero(lanes[x] == lanes[y], axis=1)
                same = equal / NUM_HASHES >= threshold
                yield from zip(x[same].tolist(), y[same].tolist(), strict=True)


def _key_parts(sigs: Sequence[bytes]) -> Iterator[npt.NDArray[np.uint64]]:
    """Every band key of ``sigs`` as ``key << 32 | position``, sorted, in 256 parts
    by the key's top byte (in order).

    8 bytes a key, held once: a million articles take 512 MB, and sorting a part
    at a time adds little to that.
    """
    parts: list[list[npt.NDArray[np.uint64]]] = [[] for _ in range(256)]
    salts = np.array(_BAND_SALTS, dtype=np.uint32)
    for lo in range(0, len(sigs), _SIGNATURES_AT_ONCE):
        chunk = range(lo, min(lo + _SIGNATURES_AT_ONCE, len(sigs)))
        valid = [i for i in chunk if _ours(sigs[i])]
        if not valid:
            continue
        values = np.frombuffer(b"".join(sigs[i][1:] for i in valid), dtype="<u4")
        keys = (values.reshape(len(valid), BANDS) ^ salts).astype(np.uint64)
        entries = (keys << np.uint64(32)) | np.array(valid, dtype=np.uint64)[:, None]
        entries = entries.ravel()
        top = (entries >> np.uint64(56)).astype(np.intp)
        order = np.argsort(top, kind="stable")
        bounds = np.searchsorted(top[order], np.arange(257))
        for k in range(256):
            if bounds[k] < bounds[k + 1]:
                parts[k].append(entries[order[bounds[k] : bounds[k + 1]]])
    for k in range(256):
        if parts[k]:
            part = np.concatenate(parts[k])
            parts[k] = []
            part.sort()
            yield part


def _runs(keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end of each run of equal values in the sorted ``keys``."""
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.intp)
    ends = np.concatenate((change, [len(keys)])).astype(np.intp)
    return starts, ends


def _candidate_pairs(
    part: npt.NDArray[np.uint64],
) -> Iterator[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    """For sorted ``key << 32 | position`` entries, the pairs of positions (later,
    earlier) of each key's group of two or more, the earlier ones up to
    :data:`MAX_COMPARED` before the later one in the group."""
    starts, ends = _runs(part >> np.uint64(32))
    shared = ends - starts > 1
    if not shared.any():
        return
    starts, ends = starts[shared], ends[shared]
    # The entries of the shared keys, in order, each with where its group starts among them.
    sizes = ends - starts
    offsets = np.cumsum(sizes) - sizes
    at = np.arange(int(sizes.sum()))
    positions = (part[np.repeat(starts - offsets, sizes) + at] & np.uint64(0xFFFFFFFF)).astype(
        np.intp
    )
    group_start = np.repeat(offsets, sizes)
    for back in range(1, min(MAX_COMPARED, int(sizes.max()) - 1) + 1):
        later = at[back:][at[back:] - back >= group_start[back:]]
        if len(later):
            yield positions[later], positions[later - back]


def _lane_matrix(sigs: Sequence[bytes]) -> npt.NDArray[np.uint16]:
    """The 128 values of each signature, one row per position (zeros: not one of ours)."""
    empty = bytes(NUM_HASHES * 2)
    rows = b"".join(sig[1:] if _ours(sig) else empty for sig in sigs)
    return np.frombuffer(rows, dtype="<u2").reshape(len(sigs), NUM_HASHES)


def _ours(sig: bytes) -> bool:
    """Whether ``sig`` is a signature of this version (not ``b""`` or a foreign one)."""
    return len(sig) == _PACK.size and sig[0] == SIGNATURE_VERSION


def _free_label(
    wanted: str,
    members_of: Callable[[str], Iterable[str]],
    in_batch: set[str],
    taken: set[str],
) -> str:
    label, n = wanted, 1
    while label in taken or any(m not in in_batch for m in members_of(label)):
        n += 1
        label = f"{wanted}~{n}"
    return label
