"""Real English definition sentences mined from text already on this machine, for the grounded
family's "mined" kind (grounded.py).

Made-up names taught the fine-tuned model to copy unfamiliar names, and plain-English concepts
built from a few dozen words taught it templates it then filled instead of copying ("RAG is a
method that measures old photos ..."). Sentences from package READMEs and Debian docs have a
vocabulary far too large to memorise, so the only way to answer from them is to copy.

    /usr/bin/python3 tools/models/mined.py          # counts and a sample

Sources, reproducibly: the README / *.md files of the npm packages under node_modules (pinned by
package-lock.json), the plain-text README files under /usr/share/doc and the English manual pages
of sections 1, 5, 7 and 8 under /usr/share/man (pinned by the Debian image), each list sorted; the
sentences are kept in first-seen order and deduplicated. A sentence
is kept when it has the shape `<Subject> <verb> <rest>.` with a short noun-phrase subject and one of
VERBS, 6 to 25 words, plain ASCII letters and punctuation (no code, paths, URLs or Markdown), and
none of the workshop demo's phrases (the demo stays held out).
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC_DIR = "/usr/share/doc"
MAN_DIR = "/usr/share/man"
MAN_SECTIONS = ("man1", "man5", "man7", "man8")

VERBS = ("is", "are", "runs", "lets", "provides", "allows", "makes", "helps", "gives", "creates",
         "contains", "handles", "converts", "parses", "generates", "supports", "returns", "uses",
         "reads", "writes", "checks", "finds", "builds", "turns", "adds", "implements", "offers",
         "displays", "shows", "stores", "keeps", "manages", "works", "takes", "describes")
# Subjects that are not names of anything: a question about them would not make sense.
PRONOUNS = {"it", "this", "that", "these", "those", "they", "we", "you", "i", "he", "she", "there", "here",
            "which", "what", "who", "one", "each", "all", "some", "any", "both", "such", "its", "our", "your",
            "my", "their", "his", "her", "if", "when", "so", "then", "now", "also", "but", "and", "or",
            "however", "otherwise", "note", "default", "everything", "nothing", "something", "anything",
            "the", "a", "an", "no", "not", "only", "other", "another", "same", "first", "next", "last",
            "usage", "example", "options", "option", "result", "value", "output", "input", "default"}
# Words that mark a clause, not a noun phrase, when they are part of a would-be subject.
NOT_IN_SUBJECT = PRONOUNS | {
    "to", "by", "if", "when", "while", "after", "before", "since", "because", "once", "until", "unless", "although",
    "though", "where", "whether", "as", "at", "in", "on", "for", "with", "from", "into", "than", "also", "thus",
    "therefore", "consequently", "currently", "usually", "sometimes", "always", "never", "often", "still", "even",
    "again", "just", "true", "false", "please", "see", "use", "set", "can", "may", "will", "must", "should", "do",
    "does", "did", "has", "have", "had", "be", "been", "was", "were", "most", "many", "more", "less", "few", "every"}
# What may not follow "is"/"are" in a definition: a passive ("is set to"), a negation or an adverb.
NOT_AFTER_BE = {"not", "also", "now", "only", "still", "then", "always", "never", "often", "usually", "set", "given",
                "here", "there", "available", "possible", "required", "necessary", "ignored", "true", "false"}
# The workshop demo's sentences and subjects (grounded.WORKSHOP_SENTENCES): never trained on.
DEMO_PATTERNS = re.compile(r"foundry|\brag\b|language models?|your own device|your own documents", re.IGNORECASE)
SENTENCE_SHAPE = re.compile(r"^([A-Z][A-Za-z0-9]*(?: [A-Za-z][A-Za-z0-9]*){0,3}) (" + "|".join(VERBS) + r") ([a-z].*)\.$")
ALLOWED = re.compile(r"^[A-Za-z0-9 ,'()-]+\.$")
MIN_WORDS, MAX_WORDS = 6, 25


@dataclass(frozen=True)
class Definition:
    subject: str  # as it opens the sentence: "Mocha", "Source maps"
    verb: str
    sentence: str  # "Mocha is a feature-rich JavaScript test framework running on Node.js."

    @property
    def plural(self) -> bool:
        return self.verb == "are"


def _source_files() -> list[str]:
    """The files to mine, in a fixed order."""
    files: list[str] = []
    modules = os.path.join(ROOT, "node_modules")
    for dirpath, dirnames, filenames in os.walk(modules, followlinks=True):
        dirnames.sort()
        files += [os.path.join(dirpath, f) for f in sorted(filenames) if f.lower().endswith(".md")]
    if os.path.isdir(DOC_DIR):
        for package in sorted(os.listdir(DOC_DIR)):
            base = os.path.join(DOC_DIR, package)
            if os.path.isdir(base):
                files += [os.path.join(base, f) for f in sorted(os.listdir(base))
                          if re.fullmatch(r"(README|NEWS\.Debian|README\.Debian)(\.gz)?", f) or f.lower().endswith(".md")]
    for section in MAN_SECTIONS:
        base = os.path.join(MAN_DIR, section)
        if os.path.isdir(base):
            files += [os.path.join(base, f) for f in sorted(os.listdir(base))]
    return files


def _read(path: str) -> str:
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                return f.read(200_000)
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(200_000)
    except OSError:
        return ""


def _prose(text: str) -> list[str]:
    """Paragraphs of running text: code blocks, tables, headings, lists' markers, links and inline
    code stripped or dropped, lines of a paragraph joined."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n")]
        if any(line.startswith(("#", "|", "    ", "\t", ">", "=", "-- ")) for line in block.split("\n")):
            continue
        joined = " ".join(re.sub(r"^([-*+]|\d+\.)\s+", "", line) for line in lines)
        paragraphs.append(joined)
    return paragraphs


_FONT_MACROS = re.compile(r"^\.(B|I|BR|IR|RB|RI|BI|IB|SM|SB)\s+(.*)$")
_ESCAPES = ((r"\\f\[?[A-Z0-9]*\]?", ""), (r"\\\(em|\\\(en", "-"), (r"\\-", "-"), (r"\\&|\\/|\\,|\\:", ""),
            (r"\\\*\(lq|\\\*\(rq|\\\(lq|\\\(rq|\\\(aq", "'"), (r"\\e", "\\\\"), (r"\\ ", " "))


def _manual(text: str, name: str) -> list[str]:
    """Paragraphs of a manual page's running text (man or mdoc macros, roughly): font macros keep
    their words, `.Nm` is the page's name, other requests break paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        m = _FONT_MACROS.match(line)
        if m:
            args = re.findall(r'"([^"]*)"|(\S+)', m.group(2))
            words = [a or b for a, b in args]
            line = ("" if len(m.group(1)) == 2 else " ").join(words) if len(m.group(1)) == 2 else " ".join(words)
        elif line.startswith(".Nm"):
            rest = line[3:].strip()
            line = name + ((" " + rest) if rest and not rest[0].isalnum() else "")
        elif line.startswith((".", "'")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        for pattern, repl in _ESCAPES:
            line = re.sub(pattern, repl, line)
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return [re.sub(r"\s+([.,])", r"\1", p) for p in paragraphs]


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", paragraph)]


def _keep(sentence: str, name: str = "") -> Definition | None:
    if "`" in sentence or "*" in sentence or "_" in sentence or "[" in sentence or "://" in sentence:
        return None
    if not ALLOWED.match(sentence) or ".." in sentence or DEMO_PATTERNS.search(sentence):
        return None
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return None
    # One full stop, at the end: "e.g." and "Node.js." make odd answers to cite.
    if sentence.count(".") != 1:
        return None
    # A manual page may open with its command's lower-case name: "grep searches for PATTERNS ...".
    shaped = sentence[0].upper() + sentence[1:] if name and sentence.startswith(name + " ") else sentence
    m = SENTENCE_SHAPE.match(shaped)
    if not m:
        return None
    subject, verb = sentence[:len(m.group(1))], m.group(2)
    sub_words = subject.split()
    first = sub_words[0].lower()
    if any(w.lower() in NOT_IN_SUBJECT or w.lower() in VERBS for w in sub_words) or first.endswith(("ly", "ing")):
        return None
    after = m.group(3).split()[0].rstrip(",;:")
    if verb in ("is", "are") and (after in NOT_AFTER_BE or (after.endswith(("ed", "ly")) and after != "used")):
        return None
    return Definition(subject, verb, sentence)


def mine() -> list[Definition]:
    """Every kept sentence once, in the order of the sorted files; at most one per subject (so a
    question about a subject has one answer)."""
    seen_sentences: set[str] = set()
    seen_subjects: set[str] = set()
    out: list[Definition] = []
    for path in _source_files():
        manual = path.startswith(MAN_DIR)
        name = re.sub(r"\.[0-9][a-z]*(\.gz)?$", "", os.path.basename(path)) if manual else ""
        text = _read(path)
        for paragraph in _manual(text, name) if manual else _prose(text):
            for sentence in _sentences(paragraph):
                d = _keep(sentence, name)
                if d is None or d.sentence in seen_sentences or d.subject.lower() in seen_subjects:
                    continue
                seen_sentences.add(d.sentence)
                seen_subjects.add(d.subject.lower())
                out.append(d)
    return out


def held_out_sentence(d: Definition, fraction: float = 0.1) -> bool:
    """A tenth of the sentences, by hash, never go into training: the held-out set over them
    measures copying real English the model has never seen."""
    return hashlib.sha256(d.sentence.encode()).digest()[0] < 256 * fraction


if __name__ == "__main__":
    import random
    found = mine()
    held = [d for d in found if held_out_sentence(d)]
    print(f"{len(found)} sentences ({len(held)} held out) from {len(_source_files())} files")
    verbs: dict[str, int] = {}
    for d in found:
        verbs[d.verb] = verbs.get(d.verb, 0) + 1
    print(sorted(verbs.items(), key=lambda kv: -kv[1]))
    for d in random.Random(0).sample(found, min(40, len(found))):
        print(" ", d.sentence)
