"""The "grounded" task family: answer a question from numbered passages, citing the passage, or
say that the context does not say.

The prompt is exactly what the app sends for retrieval-augmented answers (src/rag/prompt.ts) when
the conversation has no system prompt of its own:

    system: GROUNDED_SYSTEM
    user:   Context:\n[1] <source> › <heading>\n<text>\n\n[2] <source>\n<text>...\n\nQuestion: <question>

Passages are cut from made-up documents (pasted texts named "Pasted: <first line>" as
pastedSource names them, or files like notes.md) into at most 64 tokens, as the app cuts them for
a 512-token model (src/rag/chunk-size.ts), and one to four of them go into a prompt in random
(rank) order, often several from one document.

An answerable question is about one sentence of one passage; the answer copies that sentence and
puts the passage's mark before its final full stop ("Foundry Local runs AI models on your own
device [1]."). An unanswerable one asks about an entity that no passage mentions, or about a
property of a mentioned entity that no passage states, or comes with no passages at all; the
answer is NO_ANSWER.

Entities (people, towns, products, software, companies, terms, kinds of animal) get made-up names
and random values, so the model has to copy from the context: it cannot memorise the answers.
Everything is a pure function of the seed. Held-out items are chosen by a hash of the whole item
(passages and question), like the other families; the workshop demo items are always held out.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

# src/rag/prompt.ts: GROUNDING_INSTRUCTION, NO_PASSAGES, passageBlock, groundedQuestion.
GROUNDED_SYSTEM = ("Answer using ONLY the provided context. Cite sources as [n]. "
                   "If the context does not contain the answer, say so.")
NO_PASSAGES = "(none of the sources matched this question)"
NO_ANSWER = "The context does not say."
TITLE_LENGTH = 48  # src/chat/conversation.ts


def passage_block(n: int, source: str, heading: str, text: str) -> str:
    """'[2] notes.md › Install\n<text>'"""
    return f"[{n}] {f'{source} › {heading}' if heading else source}\n{text}"


def grounded_question(question: str, blocks: list[str]) -> str:
    """The last user message: the passages' blocks (or NO_PASSAGES), a blank line, the question."""
    return "Context:\n" + ("\n\n".join(blocks) if blocks else NO_PASSAGES) + f"\n\nQuestion: {question}"


def title_from(text: str) -> str:
    """src/chat/conversation.ts titleFrom: the first line, at most 48 characters ('…' when cut)."""
    line = text.strip().split("\n")[0].strip()
    if not line:
        return "New chat"
    return line[:TITLE_LENGTH - 1].rstrip() + "…" if len(line) > TITLE_LENGTH else line


def pasted_source_name(text: str) -> str:
    """src/rag/ingest/read-source.ts pastedSource: 'Pasted: <title of the first line>'."""
    line = re.sub(r"^#+\s*", "", text.strip().split("\n")[0]).strip()
    return f"Pasted: {title_from(line)}" if line else "Pasted text"


def cite(sentence: str, source: int) -> str:
    """'X lives in Y.' -> 'X lives in Y [2].'"""
    return f"{sentence[:-1]} [{source}]." if sentence.endswith(".") else f"{sentence} [{source}]"


# ---------------------------------------------------------------------------------------------
# Made-up words: names the model has never seen, so answers must be copied
# ---------------------------------------------------------------------------------------------
_ONSETS = "b c d f g h k l m n p r s t v w z br cl dr fl gr kr pl st tr sh ch th".split()
_VOWELS = "a e i o u a e i o ai ea oo".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "t", "nd", "rk", "st"]


def _word(rng: random.Random, syllables: tuple[int, int] = (2, 3)) -> str:
    n = rng.randint(*syllables)
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(n))


def _name(rng: random.Random, syllables: tuple[int, int] = (1, 2)) -> str:
    return _word(rng, syllables).capitalize()


FIRST_NAMES = (
    "Ada Alan Grace Linus Marie Nikola Rosa Emmy Kurt Hedy Tim Lena Omar Yuki Sara Ravi Mia Leo "
    "Ines Noah Zoe Ivan Anya Pablo Chen Amara Felix Nora Hugo Lucia Tomas Elif Kofi Priya Jonas "
    "Maya Arjun Selma Diego Hana Oskar Lila Mateo Freya Idris Wren Soren Talia Bram Nadia"
).split()
JOBS = ("baker pilot nurse teacher carpenter engineer librarian gardener chemist painter "
        "architect plumber translator farmer dentist journalist tailor electrician "
        "photographer accountant").split()
PETS = "cat dog parrot rabbit turtle hamster goat pony".split()
COUNTRIES = ("France Germany Italy Spain Portugal Japan Canada Mexico Brazil Peru Egypt Kenya "
             "Norway Sweden Finland Poland Greece Ireland Austria Chile Denmark India").split()
TOWN_SUFFIXES = ["", "", "ford", "ton", "vale", "port", "by", "wick", "mere", "holm"]
KNOWN_FOR = ("cheese, bridges, glass, wool, apples, boats, bells, clocks, lanterns, honey, "
             "kites, pottery, salt, violins, carpets, paper, olives, tea").split(", ")
PRODUCT_NOUNS = ("kettle, lamp, bicycle, speaker, camera, backpack, drill, keyboard, tent, "
                 "blender, watch, heater, scooter, printer, toaster, radio").split(", ")
FEATURES = ("a glass lid, a steel frame, two batteries, a folding handle, a silent motor, "
            "a touch screen, a wooden case, a solar panel, a spare blade, a night mode, "
            "a water tank, three speeds").split(", ")
LANGUAGES = "Python, Rust, Go, C, Java, TypeScript, Kotlin, Swift, Ruby, Haskell".split(", ")
SOFT_CATEGORIES = ("library, tool, service, app, database, framework, editor, plugin, "
                   "browser extension, command line tool").split(", ")
VERBS = ("sorts, translates, stores, measures, prints, cleans up, tracks, plays, compresses, "
         "checks, draws, schedules, backs up, searches, labels, encrypts").split(", ")
OBJECTS = ("photos, emails, invoices, songs, maps, recipes, notes, files, videos, receipts, "
           "contracts, spreadsheets, podcasts, diagrams, chat messages, passwords").split(", ")
MODIFIERS = ("on your phone, in the cloud, for small teams, without a network, in real time, "
             "at night, for schools, in the browser, on old laptops, for doctors, "
             "in ten languages, with one click").split(", ")
THINGS = ("tool, dish, dance, boat, game, coat, drink, song, knot, tent, instrument, basket, "
          "lamp, bread, hat, stone").split(", ")
PURPOSES = ("catching fish, carrying water, cutting wood, measuring rain, drying herbs, "
            "storing grain, cleaning wool, lighting caves, calling goats, mending nets, "
            "weaving rugs, cooling milk, grinding corn, marking trails").split(", ")
ANIMALS = "finches, voles, herons, moths, newts, otters, beetles, lizards, owls, crabs, bats, eels".split(", ")
HABITATS = ("tall reeds, dry caves, pine forests, salt marshes, mountain lakes, old walls, "
            "sand dunes, river banks, hollow trees, rocky shores").split(", ")
FOODS = ("seeds, snails, berries, small fish, moss, worms, leaves, roots, ants, "
         "nectar, crickets, algae").split(", ")
ANIMAL_KINDS = ("small birds, night insects, water animals, shy mammals, desert reptiles, "
                "shore animals").split(", ")
COMPANY_SUFFIXES = "Labs, Works, Systems, Studio, Foods, Motors, Press, Energy".split(", ")
CITIES = ("Paris Berlin Rome Madrid Lisbon Tokyo Ottawa Lima Cairo Nairobi Oslo Stockholm "
          "Helsinki Warsaw Athens Dublin Vienna Santiago Hanoi Copenhagen Seoul Toronto "
          "Sydney Zurich Prague Bogota Manila Accra").split()
MONTHS = "January February March April May June July August September October November December".split()


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


# ---------------------------------------------------------------------------------------------
# Entities: a subject and the facts a passage may state about it
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    relation: str
    sentence: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Entity:
    kind: str
    subject: str
    facts: tuple[Fact, ...]  # every relation of the kind, each with a random value
    description: str | None = None  # a relation stated first whenever the entity is described


def _person(rng: random.Random) -> Entity:
    s = f"{rng.choice(FIRST_NAMES)} {_name(rng)}"
    town = _name(rng) + rng.choice(TOWN_SUFFIXES)
    pet = rng.choice(PETS)
    return Entity("person", s, (
        Fact("lives", f"{s} lives in {town}.", (f"Where does {s} live?", f"In which town does {s} live?")),
        Fact("job", f"{s} works as {_a(rng.choice(JOBS))}.",
             (f"What does {s} do for a living?", f"What is the job of {s}?")),
        Fact("age", f"{s} is {rng.randint(6, 99)} years old.", (f"How old is {s}?", f"What is the age of {s}?")),
        Fact("pet", f"{s} has {_a(pet)} called {_name(rng, (1, 2))}.",
             (f"What is the {pet} of {s} called?", f"What is the name of the {pet} of {s}?")),
        Fact("born", f"{s} was born in {rng.randint(1900, 2020)}.",
             (f"When was {s} born?", f"In which year was {s} born?")),
    ))


def _town(rng: random.Random) -> Entity:
    s = _name(rng) + rng.choice(TOWN_SUFFIXES)
    return Entity("town", s, (
        Fact("population", f"{s} has a population of {rng.randint(200, 99000)}.",
             (f"What is the population of {s}?", f"How many people live in {s}?")),
        Fact("founded", f"{s} was founded in {rng.randint(800, 1990)}.",
             (f"When was {s} founded?", f"In which year was {s} founded?")),
        Fact("river", f"{s} lies on the {_name(rng)} River.",
             (f"Which river does {s} lie on?", f"On which river does {s} lie?")),
        Fact("known", f"{s} is known for its {rng.choice(KNOWN_FOR)}.", (f"What is {s} known for?",)),
        Fact("country", f"{s} is a town in {rng.choice(COUNTRIES)}.",
             (f"In which country is {s}?", f"Where is {s}?")),
    ))


def _product(rng: random.Random) -> Entity:
    name = f"{_name(rng, (1, 2))} {rng.choice('ABCDEFGHKLMPRSTVXZ')}{rng.randint(1, 99)}"
    s, cap = f"the {name}", f"The {name}"
    noun = rng.choice(PRODUCT_NOUNS)
    return Entity("product", s, (
        Fact("kind", f"{cap} is {_a(noun)} with {rng.choice(FEATURES)}.",
             (f"What is {s}?", f"What kind of product is {s}?")),
        Fact("price", f"{cap} costs {rng.randint(5, 2000)} dollars.",
             (f"How much does {s} cost?", f"What is the price of {s}?")),
        Fact("maker", f"{cap} is made by {_name(rng)} {rng.choice(COMPANY_SUFFIXES)}.",
             (f"Who makes {s}?", f"Which company makes {s}?")),
        Fact("weight", f"{cap} weighs {rng.randint(50, 9000)} grams.",
             (f"How much does {s} weigh?", f"What is the weight of {s}?")),
        Fact("released", f"{cap} was released in {rng.randint(1990, 2025)}.",
             (f"When was {s} released?", f"In which year was {s} released?")),
    ), description="kind")


def _software(rng: random.Random) -> Entity:
    s = _name(rng) if rng.random() < 0.6 else f"{_name(rng, (1, 2))} {_name(rng, (1, 2))}"
    does = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(MODIFIERS)}"
    if rng.random() < 0.5:
        description = f"{s} is {_a(rng.choice(SOFT_CATEGORIES))} that {does}."
    else:
        description = f"{s} {does}."
    return Entity("software", s, (
        Fact("what", description, (f"What is {s}?", f"What does {s} do?", f"Tell me about {s}.")),
        Fact("maker", f"{s} was made by {_name(rng)} {rng.choice(COMPANY_SUFFIXES)}.",
             (f"Who made {s}?", f"Which company made {s}?")),
        Fact("released", f"{s} was first released in {rng.randint(1995, 2025)}.",
             (f"When was {s} first released?", f"In which year was {s} first released?")),
        Fact("language", f"{s} is written in {rng.choice(LANGUAGES)}.",
             (f"Which language is {s} written in?", f"What programming language is {s} written in?")),
    ), description="what")


def _company(rng: random.Random) -> Entity:
    s = f"{_name(rng)} {rng.choice(COMPANY_SUFFIXES)}"
    return Entity("company", s, (
        Fact("based", f"{s} is based in {rng.choice(CITIES)}.", (f"Where is {s} based?", f"In which city is {s} based?")),
        Fact("founder", f"{s} was founded by {rng.choice(FIRST_NAMES)} {_name(rng)}.",
             (f"Who founded {s}?", f"Who is the founder of {s}?")),
        Fact("employees", f"{s} has {rng.randint(3, 9000)} employees.",
             (f"How many employees does {s} have?", f"How many people work at {s}?")),
        Fact("founded", f"{s} was founded in {rng.randint(1850, 2024)}.",
             (f"When was {s} founded?", f"In which year was {s} founded?")),
    ))


def _term(rng: random.Random) -> Entity:
    word = _word(rng, (1, 2))
    s, cap = f"a {word}", f"A {word}"
    month = rng.choice(MONTHS)
    return Entity("term", s, (
        Fact("what", f"{cap} is {_a(rng.choice(THINGS))} used for {rng.choice(PURPOSES)}.",
             (f"What is {s}?", f"What is {s} used for?")),
        Fact("origin", f"{cap} comes from {_name(rng)}{rng.choice(TOWN_SUFFIXES)}.",
             (f"Where does {s} come from?", f"What is the origin of {s}?")),
        Fact("season", f"{cap} is usually made in {month}.",
             (f"When is {s} usually made?", f"In which month is {s} usually made?")),
    ), description="what")


def _species(rng: random.Random) -> Entity:
    s = f"{_word(rng, (1, 2))} {rng.choice(ANIMALS)}"
    cap = s.capitalize()
    return Entity("species", s, (
        Fact("what", f"{cap} are {rng.choice(ANIMAL_KINDS)} with {rng.choice(['red', 'grey', 'striped', 'spotted', 'long', 'short', 'blue', 'white'])} "
                     f"{rng.choice(['tails', 'wings', 'legs', 'ears', 'shells', 'feathers'])}.",
             (f"What are {s}?", f"Tell me about {s}.")),
        Fact("habitat", f"{cap} live in {rng.choice(HABITATS)}.", (f"Where do {s} live?", f"Where can you find {s}?")),
        Fact("food", f"{cap} eat {rng.choice(FOODS)}.", (f"What do {s} eat?", f"What is the food of {s}?")),
        Fact("lifespan", f"{cap} live for about {rng.randint(2, 40)} years.",
             (f"How long do {s} live?", f"What is the lifespan of {s}?")),
    ), description="what")


# Plain English concepts: what pasted notes mostly are. Real words, so copying them is not the
# letter-by-letter copying of made-up names; subjects are acronyms, two-word names and plural
# noun phrases. (The workshop demo's phrases are deliberately not among them.)
CONCEPT_WORDS = ("Harbor Maple Cedar River Cloud Lantern Copper Garden Signal Paper North Silver "
                 "Orbit Pocket Quiet Bright Stone Falcon Meadow Anchor Beacon Willow Summit Ember "
                 "Atlas Pixel Canvas Harvest Compass Marble").split()
CONCEPT_NOUNS = ("Notes Engine Desk Studio Mail Board Sync Search Reader Vault Lab Hub Player "
                 "Planner Writer Cloud Chat Works Box Guard").split()
PLURAL_ADJECTIVES = "Solar Electric Paper Wooden Smart Folding Digital Wireless Portable Shared Quiet Tiny".split()
PLURAL_NOUNS = ("panels bikes maps ovens tablets speakers drones notebooks printers lamps "
                "keyboards sensors clocks boats heaters").split()
CONCEPT_KINDS = ("method, program, service, tool, technique, format, protocol, system, device, "
                 "practice, framework, standard").split(", ")
CONCEPT_VERBS = ("stores, sorts, checks, shares, cleans, builds, plays, prints, reads, writes, "
                 "sends, finds, saves, tracks, draws, measures, translates, teaches").split(", ")
CONCEPT_OBJECTS = ("music files, weather data, old photos, shopping lists, web pages, voice notes, "
                   "train times, recipes, school work, bank records, song lyrics, street maps, "
                   "meeting notes, price lists, garden plans, travel plans").split(", ")
CONCEPT_PLACES = ("on a small server, in a web browser, on an old computer, at the office, "
                  "in the kitchen, on a train, for a whole team, in a classroom, from a USB stick, "
                  "without the internet, in a shared folder, at home").split(", ")
PLURAL_PREDICATES = ("tools that work {place}", "machines that save energy {place}",
                     "things that people use {place}", "devices that {verb} {obj}")


def _concept(rng: random.Random) -> Entity:
    r = rng.random()
    if r < 0.3:
        s = "".join(rng.choice("ABCDEFGHKLMNPRSTVWXZ") for _ in range(rng.randint(2, 4)))
    elif r < 0.65:
        s = f"{rng.choice(CONCEPT_WORDS)} {rng.choice(CONCEPT_NOUNS)}"
    else:
        s = f"{rng.choice(PLURAL_ADJECTIVES)} {rng.choice(PLURAL_NOUNS)}"
    plural = r >= 0.65
    low = s.lower() if plural else s
    verb, obj, place = rng.choice(CONCEPT_VERBS), rng.choice(CONCEPT_OBJECTS), rng.choice(CONCEPT_PLACES)
    if plural:
        what = f"{s} are {rng.choice(PLURAL_PREDICATES).format(place=place, verb=verb.rstrip('s'), obj=obj)}."
        questions = (f"What are {low}?", f"Tell me about {low}.")
        does = (f"What do {low} do?",)
    elif rng.random() < 0.5:
        what = f"{s} is {_a(rng.choice(CONCEPT_KINDS))} that {verb} {obj} {place}."
        questions = (f"What is {s}?", f"Tell me about {s}.")
        does = (f"What does {s} do?",)
    else:
        what = f"{s} {verb} {obj} {place}."
        questions = (f"What does {s} do?", f"What is {s}?")
        does = ()
    be = "have" if plural else "has"
    return Entity("concept", low if plural else s, (
        Fact("what", what, questions + does),
        Fact("maker", f"{s} {'were' if plural else 'was'} made by {rng.choice(FIRST_NAMES)} {_name(rng)}.",
             (f"Who made {low}?", f"Who invented {low}?")),
        Fact("since", f"{s} {be} been around since {rng.randint(1950, 2024)}.",
             (f"When did {low} come out?", f"How long {be} {low} been around?")),
        Fact("cost", f"{s} {'cost' if plural else 'costs'} about {rng.randint(2, 900)} dollars.",
             (f"How much {'do' if plural else 'does'} {low} cost?", f"What is the price of {low}?")),
    ), description="what")


ENTITY_MAKERS: dict[str, Callable[[random.Random], Entity]] = {
    "person": _person, "town": _town, "product": _product, "software": _software,
    "company": _company, "term": _term, "species": _species, "concept": _concept,
}
# How often each kind is drawn: plain English concepts most, as in pasted notes.
KIND_WEIGHTS = {"concept": 4.0}
# The kinds a corpus draws from, each with its maker and weight.
Kinds = dict[str, tuple[Callable[[random.Random], Entity], float]]
DEFAULT_KINDS: Kinds = {k: (maker, KIND_WEIGHTS.get(k, 1.0)) for k, maker in ENTITY_MAKERS.items()}


def _kind(rng: random.Random, kinds: Kinds = DEFAULT_KINDS) -> str:
    names = list(kinds)
    return rng.choices(names, weights=[kinds[k][1] for k in names])[0]


# ---------------------------------------------------------------------------------------------
# Real English definitions mined from text on this machine (mined.py): a vocabulary too large to
# fill in from memory, so answering from them means copying
# ---------------------------------------------------------------------------------------------
def _question_subject(subject: str, plural: bool) -> str:
    """How a question names a sentence's subject: 'Public keys' -> 'public keys' (capitalised only
    as the sentence's first word), 'Pango', 'GNU MP', 'userdel' unchanged."""
    words = subject.split()
    first = words[0]
    common = first[1:].islower() and all(w.islower() for w in words[1:])
    return first[0].lower() + subject[1:] if common and (plural or len(words) > 1) else subject


def mined_maker(definitions: list) -> Callable[[random.Random], Entity]:
    """An entity maker over mined definitions (mined.Definition). Three times in ten the sentence's
    subject is swapped for another mined subject of the same number, three in ten for a subject no
    sentence has, so a subject says nothing about its predicate and only the passage does. Made-up maker and year facts give questions a
    passage can leave unstated (the demo's `Who made Foundry Local?`)."""
    singular = [d for d in definitions if not d.plural]
    plural = [d for d in definitions if d.plural]
    plural_nouns = sorted({d.subject.split()[-1].lower() for d in plural if d.subject.split()[-1].islower()})

    def fresh(rng: random.Random, is_plural: bool) -> str:
        """A subject no sentence has: a made-up or recombined name, like the demo's `Foundry Local`."""
        if is_plural:
            return f"{rng.choice(PLURAL_ADJECTIVES + [_name(rng)])} {rng.choice(plural_nouns)}"
        r = rng.random()
        if r < 0.3:
            return "".join(rng.choice("ABCDEFGHKLMNPRSTVWXZ") for _ in range(rng.randint(2, 4)))
        if r < 0.7:
            return f"{_name(rng)} {rng.choice(CONCEPT_WORDS + CONCEPT_NOUNS)}"
        return _name(rng, (2, 3))

    def make(rng: random.Random) -> Entity:
        d = rng.choice(definitions)
        subject = d.subject
        r = rng.random()
        if r < 0.3:
            subject = rng.choice(plural if d.plural else singular).subject
        elif r < 0.6:
            subject = fresh(rng, d.plural)
        opening = subject[0].upper() + subject[1:] if d.subject[0].isupper() else subject
        sentence = opening + d.sentence[len(d.subject):]
        s = _question_subject(subject, d.plural)
        if d.verb == "is":
            questions = (f"What is {s}?", f"Tell me about {s}.")
        elif d.verb == "are":
            questions = (f"What are {s}?", f"Tell me about {s}.")
        else:
            questions = (f"What does {s} do?", f"What is {s}?")
        be, was = ("have", "were") if d.plural else ("has", "was")
        return Entity("mined", s, (
            Fact("what", sentence, questions),
            Fact("maker", f"{opening} {was} made by {rng.choice(FIRST_NAMES)} {_name(rng)}.",
                 (f"Who made {s}?", f"Who invented {s}?")),
            Fact("since", f"{opening} {be} been around since {rng.randint(1950, 2024)}.",
                 (f"When did {s} come out?", f"How long {be} {s} been around?")),
        ), description="what")

    return make


def mined_kinds(definitions: list, mined_weight: float = 6.0, concept_weight: float = 1.0) -> Kinds:
    """The default kinds plus mined definitions, drawn most often; the plain-English concepts,
    whose few dozen words the model learnt as templates, less often."""
    kinds = {k: (maker, concept_weight if k == "concept" else weight) for k, (maker, weight) in DEFAULT_KINDS.items()}
    kinds["mined"] = (mined_maker(definitions), mined_weight)
    return kinds


# ---------------------------------------------------------------------------------------------
# Documents, cut into passages as the app cuts them, and the prompts made of those passages
# ---------------------------------------------------------------------------------------------
Count = Callable[[str], int]


@dataclass(frozen=True)
class Passage:
    """A passage as the prompt shows it: `[n] <source> › <heading>\n<text>`."""
    source: str
    heading: str
    text: str
    sentences: tuple[str, ...]
    subjects: tuple[str, ...]  # entities whose facts it states

    def block(self, n: int) -> str:
        return passage_block(n, self.source, self.heading, self.text)


@dataclass(frozen=True)
class GroundedExample:
    passages: tuple[Passage, ...]
    question: str
    answer: str
    source: int | None  # 1-based passage number the answer cites, None when unanswerable
    kind: str  # "answer", "absent" (entity not in context), "unstated" (property not stated), "none" (no passages)

    @property
    def user(self) -> str:
        return grounded_question(self.question, [p.block(i) for i, p in enumerate(self.passages, start=1)])

    @property
    def key(self) -> str:
        return "grounded:" + self.user


FILE_STEMS = ("notes, handbook, guide, report, faq, readme, manual, overview, summary, minutes, "
              "wiki, catalog, glossary, field-notes, team-notes, onboarding, changelog, spec").split(", ")
FILE_EXTENSIONS = [".md", ".md", ".txt", ".pdf", ".docx", ".html"]
SECTION_TITLES = ("Overview, Details, History, Facts, Background, Notes, Summary, About, Basics, "
                  "Introduction, Key facts, More").split(", ")


def _file_name(rng: random.Random, entities: list[Entity]) -> str:
    r = rng.random()
    if r < 0.5:
        stem = rng.choice(FILE_STEMS)
    elif r < 0.8:
        stem = "-".join(entities[0].subject.lower().replace("the ", "").replace("a ", "", 1).split())
    else:
        stem = f"{rng.choice(FILE_STEMS)}-{rng.randint(1, 2025)}"
    if rng.random() < 0.15:
        stem = stem.capitalize()
    return stem + rng.choice(FILE_EXTENSIONS)


Section = tuple[str, list[str], str]  # heading trail, sentences, what joins them


def _document(rng: random.Random, n_entities: int, kinds: Kinds = DEFAULT_KINDS) -> tuple[str, list[Section], list[Entity], dict[str, list[Fact]]]:
    """A document about one to three entities: (its opening text, its sections, the entities, the
    facts stated per subject). Sections follow headings when the document has them; without
    headings it is one section."""
    first = _kind(rng, kinds)
    entities: list[Entity] = []
    while len(entities) < n_entities:
        e = kinds[first if rng.random() < 0.6 else _kind(rng, kinds)][0](rng)
        if all(e.subject != other.subject for other in entities):  # short acronyms can repeat
            entities.append(e)
    stated: dict[str, list[Fact]] = {}
    per_entity: list[list[str]] = []
    for e in entities:
        facts = list(e.facts)
        rng.shuffle(facts)
        n = rng.choices([1, 2, 3, 4], weights=[0.25, 0.35, 0.25, 0.15])[0]
        chosen = facts[:n]
        if e.description and rng.random() < 0.7:
            desc = next(f for f in e.facts if f.relation == e.description)
            chosen = [desc] + [f for f in chosen if f is not desc][:n - 1]
        stated[e.subject] = chosen
        per_entity.append([f.sentence for f in chosen])
    # Sentences of a paragraph are joined by a space; some documents put each on its own paragraph.
    sep = " " if rng.random() < 0.8 else "\n\n"
    if rng.random() < 0.35:  # headings: one section per entity, sometimes under a title
        title = rng.choice([f"{rng.choice(SECTION_TITLES)}", f"{_name(rng)} {rng.choice(FILE_STEMS)}", ""])
        sections = []
        for e, sentences in zip(entities, per_entity):
            own = e.subject[0].upper() + e.subject[1:] if rng.random() < 0.7 else rng.choice(SECTION_TITLES)
            sections.append((f"{title} › {own}" if title else own, sentences, sep))
        return f"# {title or sections[0][0]}", sections, entities, stated
    sentences = [s for group in per_entity for s in group]
    return sep.join(sentences), [("", sentences, sep)], entities, stated


def chunk_sections(source: str, sections: list[Section], count: Count, chunk_tokens: int) -> list[Passage]:
    """Sentences packed into passages of at most `chunk_tokens` (heading trail included), as the
    app's chunker packs them (src/rag/chunk.ts; its overlap repeats only sentences of at most a
    quarter of a passage, which these facts never are, so none here)."""
    out: list[Passage] = []
    for heading, sentences, sep in sections:
        current: list[str] = []

        def flush() -> None:
            if current:
                out.append(Passage(source, heading, sep.join(current), tuple(current), ()))

        for s in sentences:
            trial = current + [s]
            text = sep.join(trial)
            if current and count(f"{heading}\n{text}" if heading else text) > chunk_tokens:
                flush()
                current = [s]
            else:
                current = trial
        flush()
    return out


def _source(rng: random.Random, count: Count, chunk_tokens: int,
            kinds: Kinds = DEFAULT_KINDS) -> tuple[list[Passage], list[Entity], dict[str, list[Fact]]]:
    """One source (a pasted text or a file) cut into passages, with its entities and stated facts."""
    opening, sections, entities, stated = _document(rng, rng.choices([1, 2, 3], weights=[0.45, 0.35, 0.2])[0], kinds)
    name = pasted_source_name(opening) if rng.random() < 0.5 else _file_name(rng, entities)
    passages = chunk_sections(name, sections, count, chunk_tokens)
    by_sentence = {f.sentence: e.subject for e in entities for f in stated[e.subject]}
    passages = [Passage(p.source, p.heading, p.text, p.sentences, tuple(dict.fromkeys(by_sentence[s] for s in p.sentences)))
                for p in passages]
    return passages, entities, stated


def grounded_example(rng: random.Random, count: Count, n_passages: int | None = None, chunk_tokens: int = 64,
                     prompt_tokens: int = 300, kinds: Kinds = DEFAULT_KINDS) -> GroundedExample:
    """A question over one to four passages from one or two sources, laid out as the app lays them
    out. `n_passages` fixes how many (fewer when the sources do not have that many)."""
    k = n_passages or rng.choices([1, 2, 3, 4], weights=[0.3, 0.3, 0.25, 0.15])[0]
    pool: list[Passage] = []
    entities: list[Entity] = []
    stated: dict[str, list[Fact]] = {}
    for _ in range(1 if rng.random() < 0.6 else 2):
        passages, es, st = _source(rng, count, chunk_tokens, kinds)
        pool += passages
        entities += es
        stated.update(st)
    subjects = [e.subject for e in entities]
    if len(set(subjects)) < len(subjects):  # a repeated made-up name would make the question ambiguous
        return grounded_example(rng, count, n_passages, chunk_tokens, prompt_tokens, kinds)
    chosen = rng.sample(pool, min(k, len(pool)))  # in rank order, which need not be document order
    if count(grounded_question("?", [p.block(i) for i, p in enumerate(chosen, 1)])) > prompt_tokens:
        return grounded_example(rng, count, n_passages, chunk_tokens, prompt_tokens, kinds)
    in_context = {s for p in chosen for s in p.sentences}
    mentioned = {s for p in chosen for s in p.subjects}
    mode = rng.choices(["answer", "absent", "unstated", "none"], weights=[0.72, 0.14, 0.11, 0.03])[0]
    if mode == "none":
        other = kinds[_kind(rng, kinds)][0](rng)
        return GroundedExample((), rng.choice(rng.choice(other.facts).questions), NO_ANSWER, None, "none")
    if mode == "unstated":
        candidates = [(e, f) for e in entities if e.subject in mentioned for f in e.facts if f.sentence not in in_context]
        if candidates:
            _, fact = rng.choice(candidates)
            return GroundedExample(tuple(chosen), rng.choice(fact.questions), NO_ANSWER, None, "unstated")
        mode = "answer"
    if mode == "absent":
        absent = [e for e in entities if e.subject not in mentioned]
        other = rng.choice(absent) if absent and rng.random() < 0.5 else kinds[rng.choice([e.kind for e in entities])][0](rng)
        named = (lambda p: other.subject.lower() in (p.text + p.source).lower()) if other.kind == "mined" else \
            (lambda p: other.subject in p.text or other.subject in p.source)
        if other.subject in mentioned or any(named(p) for p in chosen):
            return grounded_example(rng, count, n_passages, chunk_tokens, prompt_tokens, kinds)
        fact = rng.choice(other.facts)
        return GroundedExample(tuple(chosen), rng.choice(fact.questions), NO_ANSWER, None, "absent")
    i = rng.randrange(len(chosen))
    sentence = rng.choice(chosen[i].sentences)
    fact = next(f for e in entities for f in stated[e.subject] if f.sentence == sentence)
    return GroundedExample(tuple(chosen), rng.choice(fact.questions), cite(sentence, i + 1), i + 1, "answer")


# ---------------------------------------------------------------------------------------------
# Copying made-up text: the skill grounded answers rest on, taught on short cheap examples
# ---------------------------------------------------------------------------------------------
COPY_TEMPLATES = ("Copy this exactly: {w}", "Write this back exactly: {w}")


def copy_example(rng: random.Random) -> tuple[str, str]:
    """(prompt, answer): repeat made-up text exactly, either a fact sentence like those in the
    passages or two to seven made-up names, words, numbers and codes. The original instruction
    family repeats words from a fixed list, which a model can memorise; these it has to copy. The
    templates differ from that family's, so learning to copy does not disturb its answers."""
    if rng.random() < 0.5:
        entity = ENTITY_MAKERS[rng.choice(list(ENTITY_MAKERS))](rng)
        text = rng.choice(entity.facts).sentence
        return rng.choice(COPY_TEMPLATES).format(w=text), text
    pieces = []
    for _ in range(rng.randint(2, 7)):
        kind = rng.randrange(5)
        if kind == 0:
            pieces.append(_name(rng))
        elif kind == 1:
            pieces.append(_word(rng, (1, 3)))
        elif kind == 2:
            pieces.append(str(rng.randint(0, 99999)))
        elif kind == 3:
            pieces.append(f"{rng.choice('ABCDEFGHKLMPRSTVXZ')}{rng.randint(1, 99)}")
        else:
            pieces.append(rng.choice(FIRST_NAMES))
    words = " ".join(pieces)
    return rng.choice(COPY_TEMPLATES).format(w=words), words


# ---------------------------------------------------------------------------------------------
# The workshop demo: three sentences about Foundry Local, RAG and small language models
# ---------------------------------------------------------------------------------------------
WORKSHOP_SENTENCES = (
    "Foundry Local runs AI models on your own device.",
    "RAG is a method that answers questions from your own documents.",
    "Small language models are language models that run on a laptop or a phone.",
)
# The document pasted in the demo: the three sentences as one paragraph.
WORKSHOP_TEXT = " ".join(WORKSHOP_SENTENCES)
WORKSHOP_QUESTIONS: tuple[tuple[str, int | None], ...] = (
    ("What does Foundry Local do?", 0),
    ("What is Foundry Local?", 0),
    ("What is RAG?", 1),
    ("What are small language models?", 2),
    ("Who made Foundry Local?", None),
    ("What is the capital of Mars?", None),
)


def workshop_passages(count: Count, chunk_tokens: int = 64) -> list[Passage]:
    """The pasted demo text as the app cuts it for a 512-token model: two passages (the first two
    sentences, then the third), named by pastedSource."""
    return chunk_sections(pasted_source_name(WORKSHOP_TEXT), [("", list(WORKSHOP_SENTENCES), " ")], count, chunk_tokens)


def workshop_examples(count: Count, chunk_tokens: int = 64) -> list[GroundedExample]:
    """The demo questions against the pasted workshop text, with its passages in both orders
    (retrieval ranks them per question, so the cited number has to follow the passage, not the
    topic). Never trained on."""
    chunks = workshop_passages(count, chunk_tokens)
    out = []
    for order in (chunks, chunks[::-1]):
        for question, target in WORKSHOP_QUESTIONS:
            if target is None:
                kind = "unstated" if "Foundry Local" in question else "absent"
                out.append(GroundedExample(tuple(order), question, NO_ANSWER, None, kind))
            else:
                sentence = WORKSHOP_SENTENCES[target]
                n = next(i for i, p in enumerate(order, start=1) if sentence in p.sentences)
                out.append(GroundedExample(tuple(order), question, cite(sentence, n), n, "answer"))
    return out
