"""How kilocli asks questions: a small protocol, and the questionary implementation.

This is the only module that imports questionary (and, through it, prompt_toolkit). Prompts
are drawn on stderr so that stdout carries nothing but results; every title, hint and question
is made safe for the terminal here (catalog ids and config values appear in them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kilocli.errors import Interrupted
from kilocli.text import one_line

Validator = Callable[[str], str | None]
"""Returns an error message for a bad answer, or None when the answer is fine."""


@dataclass(frozen=True)
class Option:
    """One entry of a select prompt."""

    title: str
    value: str
    hint: str | None = None


class Prompter(Protocol):
    """Everything the wizard may ask. Ctrl-C or end of input raises ``Interrupted``."""

    def select(
        self,
        message: str,
        options: Sequence[Option],
        *,
        default: str | None = None,
        searchable: bool = False,
    ) -> str:
        """Pick one option; returns its value."""
        ...

    def confirm(self, message: str, *, default: bool = True) -> bool:
        """A yes/no question."""
        ...

    def secret(self, message: str, *, validate: Validator) -> str:
        """Hidden input (nothing typed is shown), validated before it is accepted."""
        ...

    def text(self, message: str, *, validate: Validator, default: str = "") -> str:
        """Visible free-text input, validated before it is accepted."""
        ...

    def checkbox(self, message: str, options: Sequence[Option]) -> list[str]:
        """Tick any number of options (none ticked at first); returns their values."""
        ...


class QuestionaryPrompter:
    """A :class:`Prompter` that asks on the terminal with questionary."""

    def __init__(self) -> None:
        from prompt_toolkit.output import create_output

        self._output = create_output(stdout=sys.stderr)

    def select(
        self,
        message: str,
        options: Sequence[Option],
        *,
        default: str | None = None,
        searchable: bool = False,
    ) -> str:
        import questionary

        choices = [
            questionary.Choice(
                title=one_line(o.title),
                value=o.value,
                description=one_line(o.hint) if o.hint else None,
            )
            for o in options
        ]
        question = questionary.select(
            one_line(message),
            choices=choices,
            default=next((c for c in choices if c.value == default), None),
            use_search_filter=searchable,
            use_jk_keys=not searchable,
            output=self._output,
        )
        return str(self._ask(question))

    def confirm(self, message: str, *, default: bool = True) -> bool:
        import questionary

        question = questionary.confirm(one_line(message), default=default, output=self._output)
        return bool(self._ask(question))

    def secret(self, message: str, *, validate: Validator) -> str:
        import questionary

        question = questionary.password(
            one_line(message), validate=_adapt(validate), output=self._output
        )
        return str(self._ask(question))

    def text(self, message: str, *, validate: Validator, default: str = "") -> str:
        import questionary

        question = questionary.text(
            one_line(message), default=default, validate=_adapt(validate), output=self._output
        )
        return str(self._ask(question))

    def checkbox(self, message: str, options: Sequence[Option]) -> list[str]:
        import questionary

        choices = [
            questionary.Choice(
                title=one_line(o.title),
                value=o.value,
                description=one_line(o.hint) if o.hint else None,
                checked=False,
            )
            for o in options
        ]
        question = questionary.checkbox(one_line(message), choices=choices, output=self._output)
        return [str(value) for value in self._ask(question)]

    @staticmethod
    def _ask(question: Any) -> Any:
        try:
            answer = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted from None
        if answer is None:
            raise Interrupted
        return answer


def _adapt(validate: Validator) -> Callable[[str], bool | str]:
    def check(answer: str) -> bool | str:
        problem = validate(answer)
        return True if problem is None else problem

    return check
