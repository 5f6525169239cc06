"""Synthetic chat corpus for the bundled Pocket Chat models.

Every sample is a list of chat messages ({"role", "content"}). The corpus is a pure function of
its seed: the same seed always yields the same conversations in the same order.

Task families (each with several phrasings, so held-out prompts can test generalisation):
  greeting, identity, arithmetic, facts, instructions (copy / spell / count / reverse / upper),
  explanations (multi-sentence answers, so streaming is visible), markdown (lists, code blocks),
  memory (multi-turn: the answer depends on an earlier user turn),
  grounded (one to four numbered passages laid out as the app sends them, and a question, answered
  with a citation or "The context does not say."; see grounded.py and build_grounded below).

Held-out items are decided by a stable hash, never by the random stream, so that changing how
many samples are drawn does not move an item between the training and held-out sets.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Callable

from grounded import (COPY_TEMPLATES, DEFAULT_KINDS, GROUNDED_SYSTEM, GroundedExample, Kinds, copy_example, grounded_example,
                      workshop_examples)

Message = dict[str, str]


@dataclass(frozen=True)
class Item:
    """One single-turn question with its exact expected answer."""

    family: str
    prompt: str
    answer: str
    key: str  # identity used for the train / held-out split
    system: str | None = None  # a system message sent before the prompt, if any

    def messages(self) -> list[Message]:
        head = [{"role": "system", "content": self.system}] if self.system is not None else []
        return head + [{"role": "user", "content": self.prompt}]


def _held_out(key: str, fraction: float = 0.1) -> bool:
    digest = hashlib.sha256(key.encode()).digest()
    return digest[0] < int(256 * fraction)


# ---------------------------------------------------------------------------------------------
# Vocabulary of the synthetic world
# ---------------------------------------------------------------------------------------------
CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid",
    "Portugal": "Lisbon", "Japan": "Tokyo", "China": "Beijing", "India": "New Delhi",
    "Canada": "Ottawa", "Mexico": "Mexico City", "Brazil": "Brasilia", "Peru": "Lima",
    "Egypt": "Cairo", "Kenya": "Nairobi", "Norway": "Oslo", "Sweden": "Stockholm",
    "Finland": "Helsinki", "Poland": "Warsaw", "Greece": "Athens", "Ireland": "Dublin",
    "Austria": "Vienna", "Chile": "Santiago", "Cuba": "Havana", "Russia": "Moscow",
    "Turkey": "Ankara", "Australia": "Canberra", "Argentina": "Buenos Aires",
    "Thailand": "Bangkok", "Vietnam": "Hanoi", "Denmark": "Copenhagen",
}
COLORS = {
    "the sky": "blue", "grass": "green", "snow": "white", "a banana": "yellow",
    "a tomato": "red", "coal": "black", "an orange": "orange", "a lemon": "yellow",
    "the sun": "yellow", "milk": "white", "a leaf": "green", "a strawberry": "red",
    "chocolate": "brown", "the night sky": "black", "a carrot": "orange", "the sea": "blue",
}
SOUNDS = {
    "dog": "woof", "cat": "meow", "cow": "moo", "duck": "quack", "sheep": "baa",
    "lion": "roar", "owl": "hoot", "frog": "ribbit", "horse": "neigh", "pig": "oink",
    "bee": "buzz", "mouse": "squeak",
}
OPPOSITES = {
    "hot": "cold", "big": "small", "fast": "slow", "up": "down", "day": "night",
    "happy": "sad", "open": "closed", "light": "dark", "old": "new", "early": "late",
    "wet": "dry", "full": "empty", "loud": "quiet", "high": "low", "hard": "soft",
    "left": "right", "in": "out", "long": "short",
}
WORDS = (
    "apple banana cherry river mountain cloud stone paper window garden music planet "
    "forest candle rocket pencil bridge castle dragon violin orange silver yellow purple "
    "tiger rabbit turtle falcon winter summer spring autumn ocean desert island valley "
    "coffee bread butter honey lemon pepper tomato cookie button mirror ladder basket "
    "lamp chair table door clock phone book star moon sun tree bird fish frog ship "
    "train horse house light water fire wind snow rain sand salt milk tea cake king "
    "queen robot pixel vector matrix kernel shader buffer token model engine cache"
).split()
NAMES = (
    "Ada Alan Grace Linus Marie Nikola Rosa Emmy Kurt Hedy Tim Lena Omar Yuki Sara "
    "Ravi Mia Leo Ines Noah Zoe Ivan Anya Pablo Chen Amara Felix Nora Hugo Lucia"
).split()
FAV_COLORS = "red blue green yellow purple orange pink black white brown gray teal".split()

EXPLANATIONS = {
    "the ocean": "The ocean covers most of our planet. It is deep, salty and full of life. "
                 "Waves move across it all day and night.",
    "the moon": "The moon goes around the Earth about once a month. It has no air and no "
                "weather. We see it shine because it reflects light from the sun.",
    "cats": "Cats are small animals that many people keep as pets. They sleep a lot and "
            "like warm places. A happy cat often purrs.",
    "rain": "Rain is water that falls from clouds. Clouds form when warm air rises and "
            "cools. Plants and rivers need rain to stay alive.",
    "trees": "Trees are tall plants with a wooden trunk. They make oxygen from sunlight, "
             "water and air. Some trees live for hundreds of years.",
    "bread": "Bread is made from flour, water, salt and yeast. The yeast makes the dough "
             "rise. Baking turns the dough into a soft loaf with a crust.",
    "music": "Music is sound arranged in time. It has rhythm, melody and harmony. People "
             "everywhere sing, dance and play instruments.",
    "the sun": "The sun is the star at the center of our solar system. It gives us light "
               "and heat. Light from the sun reaches the Earth in about eight minutes.",
    "WebGPU": "WebGPU is a web standard for using the graphics card from a browser. It can "
              "draw images and run general computations. This playground uses it to run "
              "models fast.",
    "the browser": "A browser is a program that opens web pages. Modern browsers can run "
                   "code, play video and even run small language models. Everything stays "
                   "on your computer.",
    "language models": "A language model predicts the next token of a text. It learns "
                       "patterns from many examples. I am a very small one, so my knowledge "
                       "is limited.",
    "snow": "Snow is frozen water that falls from clouds as soft flakes. It covers the "
            "ground in winter. Every snowflake has six sides.",
    "volcanoes": "A volcano is an opening in the ground where hot melted rock comes out. "
                 "The melted rock is called lava. Some volcanoes have been quiet for a very "
                 "long time.",
    "bees": "Bees are insects that collect nectar from flowers. They make honey and help "
            "plants grow fruit. A bee colony can have thousands of members.",
    "computers": "A computer follows instructions very quickly. It stores numbers in memory "
                 "and changes them step by step. Programs tell it what to do.",
    "the wind": "Wind is air that moves. It blows from places with high pressure to places "
                "with low pressure. Strong wind can turn a windmill.",
    "rivers": "A river is fresh water that flows toward a lake or the sea. Rivers start in "
              "hills and mountains. Many cities were built beside a river.",
    "stars": "Stars are huge balls of hot gas that shine with their own light. The sun is a "
             "star. At night we can see thousands of them from a dark place.",
}
CODE = {
    "Python": ("python", 'print("Hello, world!")'),
    "JavaScript": ("javascript", 'console.log("Hello, world!");'),
    "TypeScript": ("typescript", 'const greeting: string = "Hello, world!";\nconsole.log(greeting);'),
    "Bash": ("bash", 'echo "Hello, world!"'),
    "C": ("c", '#include <stdio.h>\n\nint main(void) {\n  printf("Hello, world!\\n");\n  return 0;\n}'),
    "Rust": ("rust", 'fn main() {\n    println!("Hello, world!");\n}'),
    "Go": ("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, world!")\n}'),
}
LISTS = {
    "fruits": ["apple", "banana", "cherry"],
    "colors": ["red", "green", "blue"],
    "animals": ["cat", "dog", "horse"],
    "planets": ["Mercury", "Venus", "Earth"],
    "seasons": ["spring", "summer", "autumn"],
    "vegetables": ["carrot", "potato", "pepper"],
}
SYSTEM_PROMPTS = [
    "You are a helpful assistant.",
    "You are Pocket Chat, a small model that runs in the browser.",
    "You are a friendly assistant. Keep answers short.",
    "Answer the user's questions.",
    "You are a concise and accurate assistant.",
]
GREETINGS = {
    "Hello": "Hello! How can I help you today?",
    "Hello!": "Hello! How can I help you today?",
    "Hi": "Hi! What would you like to know?",
    "Hi there": "Hi there! What would you like to know?",
    "Hey": "Hey! How can I help?",
    "Good morning": "Good morning! How can I help you today?",
    "Good evening": "Good evening! How can I help you today?",
    "How are you?": "I am doing well, thank you. How can I help you?",
    "Thanks": "You are welcome!",
    "Thank you!": "You are welcome! Ask me anything else.",
    "Bye": "Goodbye! Have a nice day.",
    "Goodbye": "Goodbye! Have a nice day.",
}
IDENTITY = {
    "Who are you?": "I am Pocket Chat, a very small language model. I run entirely inside "
                    "your browser, so nothing you type leaves your machine.",
    "What are you?": "I am Pocket Chat, a tiny language model trained on a small synthetic "
                     "corpus. I can do simple arithmetic, answer simple facts and follow "
                     "short instructions.",
    "What is your name?": "My name is Pocket Chat.",
    "What can you do?": "I can add, subtract and multiply small numbers, name capitals, "
                        "repeat and spell words, count, and tell you a little about simple "
                        "topics.",
    "Do you need the internet?": "No. After the page has loaded once, I run fully offline "
                                 "in your browser.",
    "Is my data private?": "Yes. I run on your own device, so your messages are never sent "
                           "to a server.",
}
UNKNOWN_PROMPTS = [
    "What is the capital of Mars?", "Who won the game yesterday?", "What is the weather today?",
    "What time is it?", "Translate this into Klingon.", "What is the meaning of life?",
    "Tell me the news.", "What is the stock price of bananas?",
]
UNKNOWN_ANSWER = "I do not know that. I am a small model with limited knowledge."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Enumerable families: every item is known, so train / held-out is an exact split
# ---------------------------------------------------------------------------------------------
def arithmetic_items() -> list[Item]:
    items: list[Item] = []
    plus = ["What is {a} plus {b}?", "What is {a} + {b}?", "Add {a} and {b}."]
    minus = ["What is {a} minus {b}?", "What is {a} - {b}?", "Subtract {b} from {a}."]
    times = ["What is {a} times {b}?", "What is {a} * {b}?", "Multiply {a} by {b}."]
    for a in range(16):
        for b in range(16):
            key = f"plus:{a}:{b}"
            for t in plus:
                items.append(Item("arithmetic", t.format(a=a, b=b), f"{a} plus {b} is {a + b}.", key))
            if a >= b:
                key = f"minus:{a}:{b}"
                for t in minus:
                    items.append(Item("arithmetic", t.format(a=a, b=b), f"{a} minus {b} is {a - b}.", key))
            if a <= 10 and b <= 10:
                key = f"times:{a}:{b}"
                for t in times:
                    items.append(Item("arithmetic", t.format(a=a, b=b), f"{a} times {b} is {a * b}.", key))
    return items


def fact_items() -> list[Item]:
    """Facts: held-out is decided per (template, fact), so every fact is seen in some phrasing."""
    items: list[Item] = []

    def add(templates: list[str], answer: str, fact: str, **fmt: str) -> None:
        for i, t in enumerate(templates):
            items.append(Item("facts", t.format(**fmt), answer, f"{fact}:{i}"))

    for country, city in CAPITALS.items():
        add(["What is the capital of {c}?", "Name the capital of {c}.", "Which city is the capital of {c}?"],
            f"The capital of {country} is {city}.", f"capital:{country}", c=country)
    for thing, color in COLORS.items():
        add(["What color is {t}?", "What is the color of {t}?", "Which color is {t}?"],
            f"{_cap(thing)} is {color}.", f"color:{thing}", t=thing)
    for animal, sound in SOUNDS.items():
        add(["What sound does a {a} make?", "What does a {a} say?", "How does a {a} sound?"],
            f"A {animal} says {sound}.", f"sound:{animal}", a=animal)
    for word, opposite in OPPOSITES.items():
        add(["What is the opposite of {w}?", "Give me the opposite of {w}.", "What is the antonym of {w}?"],
            f"The opposite of {word} is {opposite}.", f"opposite:{word}", w=word)
    return items


def fixed_items() -> list[Item]:
    """Greetings, identity, explanations, markdown and unknowns: trained in full, never held out."""
    items = [Item("greeting", p, a, f"greet:{p}") for p, a in GREETINGS.items()]
    items += [Item("identity", p, a, f"id:{p}") for p, a in IDENTITY.items()]
    for topic, text in EXPLANATIONS.items():
        for t in ["Tell me about {t}.", "Explain {t} in simple words.", "What do you know about {t}?"]:
            items.append(Item("explanation", t.format(t=topic), text, f"explain:{topic}"))
    for lang, (fence, code) in CODE.items():
        answer = f"Here is hello world in {lang}:\n\n```{fence}\n{code}\n```"
        for t in ["Show me hello world in {l}.", "Write a hello world program in {l}."]:
            items.append(Item("markdown", t.format(l=lang), answer, f"code:{lang}"))
    for kind, entries in LISTS.items():
        answer = f"Here are three {kind}:\n\n" + "\n".join(f"- {e}" for e in entries)
        for t in ["List three {k}.", "Name three {k}."]:
            items.append(Item("markdown", t.format(k=kind), answer, f"list:{kind}"))
    items += [Item("unknown", p, UNKNOWN_ANSWER, f"unknown:{p}") for p in UNKNOWN_PROMPTS]
    return items


# ---------------------------------------------------------------------------------------------
# Generative families: drawn from a random stream (copy-like tasks that must generalise)
# ---------------------------------------------------------------------------------------------
def instruction_item(rng: random.Random) -> Item:
    kind = rng.randrange(6)
    if kind == 0:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        t = rng.choice(["Repeat after me: {w}", "Say this back to me: {w}", "Echo: {w}"])
        return Item("instruction", t.format(w=words), words, f"repeat:{words}")
    if kind == 1:
        word = rng.choice(WORDS)
        t = rng.choice(["Spell the word {w}.", "How do you spell {w}?"])
        return Item("instruction", t.format(w=word), "-".join(word.upper()), f"spell:{word}")
    if kind == 2:
        word = rng.choice(WORDS)
        t = rng.choice(["Write {w} in capital letters.", "Make {w} uppercase."])
        return Item("instruction", t.format(w=word), word.upper(), f"upper:{word}")
    if kind == 3:
        a = rng.randint(0, 20)
        b = a + rng.randint(2, 6)
        t = rng.choice(["Count from {a} to {b}.", "Count up from {a} to {b}."])
        return Item("instruction", t.format(a=a, b=b), ", ".join(str(i) for i in range(a, b + 1)) + ".",
                    f"count:{a}:{b}")
    if kind == 4:
        words = [rng.choice(WORDS) for _ in range(rng.randint(2, 4))]
        t = rng.choice(["Reverse these words: {w}", "Say these words backwards: {w}"])
        return Item("instruction", t.format(w=" ".join(words)), " ".join(reversed(words)),
                    f"reverse:{' '.join(words)}")
    n = rng.randint(0, 98)
    t = rng.choice(["What comes after {n}?", "Which number follows {n}?"])
    return Item("instruction", t.format(n=n), f"After {n} comes {n + 1}.", f"next:{n}")


def memory_conversation(rng: random.Random) -> list[Message]:
    """Two-turn conversation whose second answer needs the first user turn."""
    if rng.random() < 0.5:
        name = rng.choice(NAMES)
        first = rng.choice(["My name is {n}.", "Hi, I am {n}.", "Call me {n}."]).format(n=name)
        return [
            {"role": "user", "content": first},
            {"role": "assistant", "content": f"Nice to meet you, {name}!"},
            {"role": "user", "content": rng.choice(["What is my name?", "Do you remember my name?"])},
            {"role": "assistant", "content": f"Your name is {name}."},
        ]
    color = rng.choice(FAV_COLORS)
    return [
        {"role": "user", "content": f"My favorite color is {color}."},
        {"role": "assistant", "content": f"{_cap(color)} is a lovely color."},
        {"role": "user", "content": rng.choice(["What is my favorite color?", "Which color do I like?"])},
        {"role": "assistant", "content": f"Your favorite color is {color}."},
    ]


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------
@dataclass
class Corpus:
    train_items: list[Item]
    held_out_items: list[Item]
    conversations: list[list[Message]]


def _split(items: list[Item], holdable: bool) -> tuple[list[Item], list[Item]]:
    if not holdable:
        return items, []
    train = [i for i in items if not _held_out(i.key)]
    held = [i for i in items if _held_out(i.key)]
    return train, held


def build_corpus(seed: int, n_conversations: int) -> Corpus:
    """Enumerate items, split them, and draw `n_conversations` training conversations."""
    rng = random.Random(seed)
    arith_train, arith_held = _split(arithmetic_items(), True)
    fact_train, fact_held = _split(fact_items(), True)
    fixed = fixed_items()

    # Generative instruction items: held out by key hash as well, drawn from a separate stream.
    gen_rng = random.Random(seed + 1)
    instr_train: list[Item] = []
    instr_held: list[Item] = []
    seen: set[str] = set()
    while len(instr_train) < 3000 or len(instr_held) < 150:
        item = instruction_item(gen_rng)
        if item.prompt in seen:
            continue
        seen.add(item.prompt)
        (instr_held if _held_out(item.key) else instr_train).append(item)

    # Sampling weights per family: fixed texts are few but long, so they get a steady share.
    pools: list[tuple[float, list[Item]]] = [
        (0.30, arith_train), (0.20, fact_train), (0.22, instr_train), (0.20, fixed),
    ]
    draw: Callable[[], Item] = lambda: _weighted(rng, pools)

    conversations: list[list[Message]] = []
    for _ in range(n_conversations):
        conv: list[Message] = []
        if rng.random() < 0.3:
            conv.append({"role": "system", "content": rng.choice(SYSTEM_PROMPTS)})
        if rng.random() < 0.08:
            conv += memory_conversation(rng)
        else:
            turns = rng.choices([1, 2, 3], weights=[0.6, 0.28, 0.12])[0]
            for _ in range(turns):
                item = draw()
                conv += [{"role": "user", "content": item.prompt},
                         {"role": "assistant", "content": item.answer}]
        conversations.append(conv)

    train_items = arith_train + fact_train + instr_train + fixed
    held_items = arith_held + fact_held + instr_held[:150]
    return Corpus(train_items, held_items, conversations)


def _weighted(rng: random.Random, pools: list[tuple[float, list[Item]]]) -> Item:
    r = rng.random() * sum(w for w, _ in pools)
    for w, pool in pools:
        if r < w:
            return rng.choice(pool)
        r -= w
    return rng.choice(pools[-1][1])


# ---------------------------------------------------------------------------------------------
# The grounded family (answers from numbered passages, see grounded.py)
# ---------------------------------------------------------------------------------------------
@dataclass
class GroundedCorpus:
    train_items: list[Item]
    held_out_items: list[Item]  # by hash of the item, never trained on
    demo_items: list[Item]  # the workshop's three sentences: held out as well
    conversations: list[list[Message]]
    dropped: int  # generated items that did not fit the context window
    copy_items: list[Item]  # made-up text to repeat exactly (family "copy"), trained on
    copy_held_out: list[Item]


def grounded_item(example: GroundedExample, family: str = "grounded") -> Item:
    return Item(family, example.user, example.answer, example.key, system=GROUNDED_SYSTEM)


def build_grounded(seed: int, n_conversations: int, count: Callable[[str], int], n_held_out: int = 300, n_copy: int = 0,
                   fits: Callable[[list[Message]], bool] | None = None, n_passages: int | None = None,
                   stream: int = 0, kinds: Kinds = DEFAULT_KINDS) -> GroundedCorpus:
    """Draw grounded items from their own random stream, split them by hash, and make training
    conversations from the training ones: most hold one grounded exchange, some follow an earlier
    question and answer (as the app sends history: the plain question, the answer). `count` is
    the model's token count (passages are cut to 64 of its tokens); `fits` (whole conversation ->
    bool) drops what does not fit; `n_passages` fixes the passages per prompt (a curriculum's
    easy stage) and `stream` picks another random stream for it; `kinds` the entity kinds drawn
    (grounded.mined_kinds adds mined real-English definitions). Also `n_copy` repeat-after-me
    items over made-up text (the copying that grounded answers need)."""
    rng = random.Random(seed + 2 + 1000 * stream)
    ok = fits or (lambda _messages: True)
    dropped = 0

    def exchange(item: Item) -> list[Message]:
        return [{"role": "user", "content": item.prompt}, {"role": "assistant", "content": item.answer}]

    def fitting_item() -> Item:
        nonlocal dropped
        while True:
            item = grounded_item(grounded_example(rng, count, n_passages, kinds=kinds))
            if ok([*item.messages(), {"role": "assistant", "content": item.answer}]):
                return item
            dropped += 1

    train: list[Item] = []
    held: list[Item] = []
    seen: set[str] = set()
    demo_examples = workshop_examples(count)
    demo_keys = {e.key for e in demo_examples}
    conversations: list[list[Message]] = []
    while len(conversations) < n_conversations or len(held) < n_held_out:
        item = fitting_item()
        if item.key in seen or item.key in demo_keys:
            continue
        seen.add(item.key)
        if _held_out(item.key):
            held.append(item)
            continue
        train.append(item)
        if len(conversations) >= n_conversations:
            continue
        conv = [{"role": "system", "content": GROUNDED_SYSTEM}] + exchange(item)
        if rng.random() < 0.2:
            # An earlier question and answer as history, the way the app sends it: the plain question.
            earlier = grounded_example(rng, count, n_passages, kinds=kinds)
            history = [{"role": "user", "content": earlier.question}, {"role": "assistant", "content": earlier.answer}]
            longer = conv[:1] + history + conv[1:]
            if ok(longer):
                conv = longer
        conversations.append(conv)
    demo = [grounded_item(e, family="grounded_demo") for e in demo_examples]
    copy_train, copy_held = copy_items(seed, n_copy, n_held_out=min(n_held_out, 150))
    return GroundedCorpus(train, held[:n_held_out], demo, conversations, dropped, copy_train, copy_held)


def mined_copy_items(sentences: list[str], seed: int, n: int) -> list[Item]:
    """Repeat-after-me items over real English sentences (mined.py), so copying is practised on
    ordinary words as well as on made-up ones; from their own random stream."""
    rng = random.Random(seed + 4)
    items = []
    for _ in range(n):
        sentence = rng.choice(sentences)
        items.append(Item("copy_mined", rng.choice(COPY_TEMPLATES).format(w=sentence), sentence, f"copy:{sentence}"))
    return items


def copy_items(seed: int, n_train: int, n_held_out: int) -> tuple[list[Item], list[Item]]:
    """Repeat-after-me items over made-up text, split by hash, from their own random stream."""
    rng = random.Random(seed + 3)
    train: list[Item] = []
    held: list[Item] = []
    seen: set[str] = set()
    while len(train) < n_train or len(held) < n_held_out:
        prompt, answer = copy_example(rng)
        if prompt in seen:
            continue
        seen.add(prompt)
        item = Item("copy", prompt, answer, f"copy:{answer}")
        (held if _held_out(item.key) else train).append(item)
    return train[:n_train], held[:n_held_out]


def letter_density(tokens: list[str]) -> float:
    """Share of a text's tokens that are one or two letters (a leading space not counted): how much
    of it this 512-token tokenizer reads letter by letter. The demo's `on your own device` is
    ` o n you r o w n d e v ic e`; copying such a run means telling apart many equal short
    tokens (` o` goes on with `n` in `on` and `w` in `own`), which a unigram lookup gets wrong."""
    return sum(len(t.strip()) <= 2 for t in tokens) / max(1, len(tokens))


def near_repeats(tokens: list[str], window: int = 8) -> int:
    """Positions where a token seen at most `window` tokens earlier went on differently (` o n`
    then ` o w`): where copying by the last token alone picks the wrong continuation."""
    return sum(any(tokens[j] == tokens[i] and tokens[j + 1] != tokens[i + 1] for j in range(max(0, i - window), i))
               for i in range(1, len(tokens) - 1))


def dense_copy_items(sentences: list[str], split: Callable[[str], list[str]], seed: int, n: int,
                     max_tokens: int = 120) -> list[Item]:
    """Repeat-after-me items that train long copies of letter-by-letter text with ambiguous short
    tokens, from their own random stream (family "copy_dense"). `split` is the tokenizer's
    encoding as token strings. Three shapes, a third each:
      - a real sentence, drawn more often the more near repeats it has (`near_repeats`);
      - two or three real sentences in a row (long spans, 60 to `max_tokens`, like a passage);
      - 6 to 14 real words that are 3+ tokens long, drawn from two or three shared starts
        (`de`: device, default, describe), so the same short tokens recur with different
        continuations and only the tokens before them say which word is being copied."""
    rng = random.Random(seed + 5)
    weights = [0.2 + near_repeats(split(s)) for s in sentences]
    words = sorted({w.strip(",()'.").lower() for s in sentences for w in s.split()})
    long_words = [w for w in words if w.isalpha() and len(split(" " + w)) >= 3]
    by_start: dict[str, list[str]] = {}
    for w in long_words:
        by_start.setdefault(w[:2], []).append(w)
    starts = sorted(k for k, ws in by_start.items() if len(ws) >= 3)
    items: list[Item] = []
    while len(items) < n:
        shape = rng.randrange(3)
        if shape == 0:
            text = rng.choices(sentences, weights=weights)[0]
        elif shape == 1:
            i = rng.randrange(len(sentences))
            text = " ".join(sentences[i:i + rng.randint(2, 3)])
        else:
            pool = [w for k in rng.sample(starts, rng.randint(2, 3)) for w in by_start[k]]
            text = " ".join(rng.choice(pool) for _ in range(rng.randint(6, 14)))
            text = text[0].upper() + text[1:] + "."
        if len(split(text)) > max_tokens:
            continue
        items.append(Item("copy_dense", rng.choice(COPY_TEMPLATES).format(w=text), text, f"copy:{text}"))
    return items
