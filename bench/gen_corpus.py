#!/usr/bin/env python3
"""Generate a brief-like plain-text corpus of a given size for the extraction benchmark.

Usage: gen_corpus.py OUT_PATH MEGABYTES [--single-line]

The text follows the seed brief's shape: paragraphs with superscript markers, and note
blocks at page breaks in the middle of a sentence, numbered on through the document. With
--single-line it writes one enormous line of prose (the worst case for line/column work).
"""
import random
import sys

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
WORDS = ("border trade security dialogue Kabul Islamabad transit refugees ceasefire talks "
         "committee envoy agreement corridor province militants tariffs ministry delegation "
         "cooperation stability pressure sanctions markets crossing").split()
SITES = [("Dawn", "https://www.dawn.com/news/{n}"), ("Express Tribune", "https://tribune.com.pk/story/{n}/x"),
         ("Al Jazeera", "https://www.aljazeera.com/news/2025/03/{d}/story-{n}"), ("The Guardian",
         "https://www.theguardian.com/world/2012/nov/{d}/article-{n}")]


def sentence(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."


def main():
    out, mb = sys.argv[1], float(sys.argv[2])
    single = "--single-line" in sys.argv
    rng = random.Random(7)
    target = int(mb * 1024 * 1024)
    size = 0
    label = 0
    with open(out, "w", encoding="utf-8") as f:
        if single:
            while size < target:
                s = sentence(rng) + "¹ "
                f.write(s)
                size += len(s.encode())
            f.write("\n\n¹ “A title”, *Dawn*, March 24, 2025, <https://www.dawn.com/news/1>\n")
            return
        while size < target:
            para = []
            notes = []
            for _ in range(rng.randint(3, 6)):
                label += 1
                para.append(sentence(rng) + str(label).translate(SUP))
                site, url = rng.choice(SITES)
                notes.append(f"{str(label).translate(SUP)} Author Name, “{sentence(rng)[:-1]}”, *{site}*, "
                             f"March {rng.randint(1, 28)}, 2025, <{url.format(n=label, d=rng.randint(10, 28))}>")
            text = " ".join(para) + " and the talks led to\n\n" + "\n\n".join(notes) + "\n\nfurther rounds.\n\n"
            f.write(text)
            size += len(text.encode())


if __name__ == "__main__":
    main()
