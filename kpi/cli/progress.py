"""A percentage bar on stderr for the long commands: demo data, first run, large imports."""

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(desc: str, **options) -> Iterator[Callable[[float], None]]:
    """A bar from 0 to 100 %; yields the callback that moves it to the fraction done."""
    from tqdm import tqdm  # only a command that draws a bar pays for importing it

    with tqdm(total=100, desc=desc, unit="%", file=sys.stderr, **options) as bar:

        def advance(fraction: float) -> None:
            bar.update(max(0, round(fraction * 100) - bar.n))

        yield advance
