"""Relation templates: how the rows of `facts_tables.py` are stated (passages) and asked about
(questions). The first passage template is the one in the retrieval pool.

Questions mix the passage's own words with paraphrases ("seat of government" for capital, "money"
for currency) and reverse questions that name the answer and ask for the subject.
"""
from __future__ import annotations

from facts_tables import ANIMALS, COUNTRIES, ELEMENTS, PROFESSIONS, TOOLS

Relation = tuple[str, list[dict[str, str]], list[str], list[str]]


def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def relations() -> list[Relation]:
    """(family, rows as template fields, passage templates, question templates)."""
    countries = [{"id": c, "c": c, "capital": cap, "continent": cont, "language": lang, "currency": cur}
                 for c, cap, cont, lang, cur in COUNTRIES]
    animals = [{"id": a, "a": a, "an_a": _an(a), "pl": pl, "verb": verb, "noun": noun, "diet": diet, "home": home}
               for a, pl, verb, noun, diet, home in ANIMALS]
    elements = [{"id": e, "e": e, "sym": sym, "num": num, "use": use} for e, sym, num, use in ELEMENTS]
    jobs = [{"id": j, "j": j, "an_j": _an(j), "does": does, "alt": alt} for j, does, alt in PROFESSIONS]
    tools = [{"id": t, "t": t, "an_t": _an(t), "use": use, "alt": alt} for t, use, alt in TOOLS]
    return [
        ("capital", countries,
         ["The capital of {c} is {capital}.", "{capital} is the capital city of {c}.",
          "The government of {c} sits in {capital}, its capital."],
         ["What is the capital of {c}?", "Which city is the capital of {c}?", "Name the capital city of {c}.",
          "Where is the seat of government of {c}?", "In which city does the government of {c} meet?",
          "capital of {c}", "Which city is {c} governed from?", "{capital} is the capital of which country?"]),
        ("continent", countries,
         ["{c} is a country in {continent}.", "{c} lies on the continent of {continent}.",
          "You will find {c} in {continent}."],
         ["On which continent is {c}?", "Where in the world is {c}?", "Which part of the world is {c} in?",
          "What continent does {c} belong to?", "Is {c} in {continent}?", "Where is {c} located on a map?"]),
        ("language", countries,
         ["People in {c} mostly speak {language}.", "The main language of {c} is {language}.",
          "In {c}, most people talk in {language}."],
         ["What language do people speak in {c}?", "Which language is spoken in {c}?",
          "What is the official tongue of {c}?", "If I travel to {c}, what language will I hear?",
          "What do they speak in {c}?", "Where do people speak {language}?"]),
        ("currency", countries,
         ["The currency of {c} is the {currency}.", "In {c}, people pay with the {currency}.",
          "The {currency} is the money used in {c}."],
         ["What is the currency of {c}?", "What money is used in {c}?", "Which currency do they use in {c}?",
          "What do you pay with in {c}?", "How do people pay for things in {c}?",
          "Which country uses the {currency}?"]),
        ("sound", animals,
         ["{an_a} {verb}: its call is a {noun}.", "The sound {an_a} makes is a {noun}.",
          "When {an_a} calls out, it {verb}."],
         ["What sound does {an_a} make?", "What noise does {an_a} make?", "How does {an_a} sound?",
          "What does {an_a} say?", "Which animal {verb}?", "What call do {pl} make?"]),
        ("diet", animals,
         ["{pl} eat {diet}.", "The diet of {an_a} is mostly {diet}.", "{an_a} feeds on {diet}."],
         ["What do {pl} eat?", "What food does {an_a} like?", "What is the diet of {an_a}?",
          "What does {an_a} feed on?", "Which animal eats {diet}?", "What should I feed {an_a}?"]),
        ("habitat", animals,
         ["{pl} live in {home}.", "The natural home of {an_a} is {home}.", "{an_a} makes its home in {home}."],
         ["Where do {pl} live?", "Where can you find {an_a} in the wild?", "What is the habitat of {an_a}?",
          "Where does {an_a} make its home?", "Which animal lives in {home}?", "Where would I see {pl}?"]),
        ("symbol", elements,
         ["The chemical symbol for {e} is {sym}, and its atomic number is {num}.",
          "{sym} is the symbol of the element {e}.", "In the periodic table, {e} is written {sym}."],
         ["What is the chemical symbol of {e}?", "How is {e} written in the periodic table?",
          "Which element has the symbol {sym}?", "What letters stand for {e}?",
          "What is the atomic number of {e}?", "Which element is number {num}?"]),
        ("element-use", elements,
         ["{e} is used for {use}.", "People use {e} in {use}.", "A common use of {e} is {use}."],
         ["What is {e} used for?", "Why is {e} useful?", "Where is {e} used?",
          "Which element is used for {use}?", "What can you do with {e}?"]),
        ("job", jobs,
         ["{an_j} {does}.", "{an_j} is someone who {does}.", "As {an_j}, a person {does}."],
         ["What does {an_j} do?", "What is the job of {an_j}?", "What kind of work does {an_j} do?",
          "Who {alt}?", "Which job {alt}?", "Describe the work of {an_j}."]),
        ("tool", tools,
         ["{an_t} is used to {use}.", "People use {an_t} to {use}.", "You need {an_t} when you want to {use}."],
         ["What is {an_t} used for?", "What does {an_t} do?", "Why would I use {an_t}?",
          "What tool do I need to {alt}?", "Which tool helps you {alt}?", "How do I {alt}?"]),
    ]
