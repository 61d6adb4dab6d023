#!/usr/bin/env python3
"""Builds data/wordnet-synonyms.txt, the synonym lexicon `rubric suggest` uses
to propose word swaps, from WordNet 3.0 as Debian's `wordnet-base` package
installs it (`apt-get install wordnet-base`, files in /usr/share/wordnet).

Only the dominant sense is kept: for each part of speech, a word's first
sense in WordNet's index (senses are listed most frequent first). A line is
one such synset, holding only the words whose first sense it is, so a swap
goes from a word's usual meaning to another word's usual meaning: "workforce"
and "manpower" share a line, but "hands" (whose first sense is the body part)
is not on it. Words are single, alphabetic, 4 letters or more, lower case.

Output, one synset a line: a part-of-speech letter (n, v, a, r) and the
words, space-separated, in WordNet's order. Run from the repository root:

    python3 scripts/build-lexicon.py [/usr/share/wordnet]
"""

import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"
OUT = os.path.join("data", "wordnet-synonyms.txt")
POS = [("noun", "n"), ("verb", "v"), ("adj", "a"), ("adv", "r")]
WORD = re.compile(r"^[a-z]{4,}$")


def first_senses(pos):
    """lemma -> offset of its first (most frequent) sense."""
    first = {}
    with open(os.path.join(SRC, "index." + pos), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue  # the licence header
            parts = line.split()
            lemma, synset_cnt, p_cnt = parts[0], int(parts[2]), int(parts[3])
            offsets = parts[4 + p_cnt + 2:]
            assert len(offsets) == synset_cnt, line
            first[lemma] = offsets[0]
    return first


def synset_words(pos):
    """offset -> the synset's words, in order."""
    out = {}
    with open(os.path.join(SRC, "data." + pos), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            parts = line.split()
            offset, w_cnt = parts[0], int(parts[3], 16)
            words = []
            for i in range(w_cnt):
                w = parts[4 + 2 * i].lower()
                w = re.sub(r"\(.*\)$", "", w)  # adjective markers: (a), (p), (ip)
                words.append(w)
            out[offset] = words
    return out


def main():
    lines = []
    for pos, letter in POS:
        first = first_senses(pos)
        words = synset_words(pos)
        seen = set()
        for lemma, offset in sorted(first.items()):
            if offset in seen:
                continue
            seen.add(offset)
            keep = []
            for w in words[offset]:
                if WORD.match(w) and first.get(w) == offset and w not in keep:
                    keep.append(w)
            if len(keep) >= 2:
                lines.append(letter + " " + " ".join(keep))
    lines.sort()
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# WordNet 3.0 dominant-sense synonyms; built by scripts/build-lexicon.py.\n")
        f.write("# Licence: data/wordnet.LICENSE. One synset a line: part of speech, words.\n")
        for line in lines:
            f.write(line + "\n")
    print(f"{OUT}: {len(lines)} synsets, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
