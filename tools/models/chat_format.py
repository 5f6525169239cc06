"""The Pocket Chat chat format: special tokens, the Jinja chat template shipped in
tokenizer_config.json, and the Python rendering of it (jinja2, the engine HF transformers uses).
"""
from __future__ import annotations

import jinja2

from bpe import ByteLevelBPE

END_OF_TEXT = "<|endoftext|>"
SYSTEM, USER, ASSISTANT, END = "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"
SPECIAL_TOKENS = [END_OF_TEXT, SYSTEM, USER, ASSISTANT, END]

# Kept on a few lines for readability; the whitespace control strips the line breaks between tags.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] not in ['system', 'user', 'assistant'] -%}"
    "{{- raise_exception('Unsupported role ' + message['role'] + ': use system, user or assistant.') -}}"
    "{%- endif -%}"
    "{%- if message['role'] == 'system' and not loop.first -%}"
    "{{- raise_exception('A system message is only allowed as the first message.') -}}"
    "{%- endif -%}"
    "{{- '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}"
)


class TemplateError(Exception):
    pass


def _raise(message: str) -> None:
    raise TemplateError(message)


_env = jinja2.Environment()
_env.globals["raise_exception"] = _raise
_template = _env.from_string(CHAT_TEMPLATE)


def render(messages: list[dict[str, str]], add_generation_prompt: bool) -> str:
    return _template.render(messages=messages, add_generation_prompt=add_generation_prompt)


def encode_for_training(tok: ByteLevelBPE, messages: list[dict[str, str]]) -> tuple[list[int], list[bool]]:
    """Token ids of a whole conversation and, per token, whether it is trained on (the assistant's
    answer tokens and the <|end|> that closes them: what the model must learn to produce)."""
    ids: list[int] = []
    trained: list[bool] = []
    head = tok.encode(ASSISTANT + "\n")
    for m in messages:
        # Each message starts with a special token, so rendering piece by piece tokenizes exactly
        # like rendering the whole conversation at once.
        piece = tok.encode(render([m], add_generation_prompt=False))
        ids += piece
        if m["role"] == "assistant":
            if piece[:len(head)] != head:
                raise ValueError(f"assistant message does not start with {head}: {piece[:4]}")
            answer_len = len(piece) - len(head) - 1  # the trailing "\n" after <|end|> is not trained
            trained += [False] * len(head) + [True] * answer_len + [False]
        else:
            trained += [False] * len(piece)
    return ids, trained


def prompt_ids(tok: ByteLevelBPE, messages: list[dict[str, str]]) -> list[int]:
    return tok.encode(render(messages, add_generation_prompt=True))
