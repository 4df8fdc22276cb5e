"""The small formatters of the models table."""

from __future__ import annotations

import pytest

from kilocli.catalog.assemble import describe_age
from kilocli.catalog.records import Cost
from kilocli.cli.render_models import format_price, format_tokens


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (512, "512"),
        (1000, "1k"),
        (32_768, "33k"),
        (200_000, "200k"),
        (999_499, "999k"),
        (999_500, "1M"),  # never "1000k"
        (1_000_000, "1M"),
        (1_048_576, "1.05M"),
        (2_000_000, "2M"),
        (None, "—"),  # unknown: never shown as 0 or as a default
    ],
)
def test_format_tokens(count: int | None, shown: str) -> None:
    assert format_tokens(count) == shown


@pytest.mark.parametrize(
    ("cost", "free", "shown"),
    [
        (Cost(3.0, 15.0), False, "$3.00/$15.00"),
        (Cost(0.125, 1.0), False, "$0.12/$1.00"),
        (Cost(0.0, 0.0), False, "$0.00/$0.00"),  # priced at 0 but not free (isFree: false)
        (Cost("variable", "variable"), False, "variable"),
        (Cost(3.0, "variable"), False, "variable"),
        (Cost("variable", 15.0), False, "variable"),
        # SPEC §6: a price the row does not give is unknown, "—", never $0 and never variable
        (Cost(None, None), False, "—"),
        (Cost(3.0, None), False, "—"),
        (Cost(None, 15.0), False, "—"),
        (Cost("variable", None), False, "—"),
        (Cost(None, "variable"), False, "—"),
        (Cost(0.0, 0.0), True, "free"),
        (Cost(None, None), True, "free"),  # free by its :free id or isFree, prices unknown
        (Cost("variable", "variable"), True, "free"),
    ],
)
def test_format_price(cost: Cost, free: bool, shown: str) -> None:
    assert format_price(cost, free=free) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "0 s"),
        (59.9, "59 s"),
        (60, "1 min"),
        (5399, "1 h"),  # whole units, rounded down: 90 min is "1 h", not "2 h"
        (7200, "2 h"),
        (86_399, "23 h"),
        (3.5 * 86_400, "3 d"),
    ],
)
def test_describe_age(seconds: float, shown: str) -> None:
    assert describe_age(seconds) == shown
