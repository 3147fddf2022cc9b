"""The one console helper of every command: where output goes (stdout, stderr), whether it is
a terminal (colour, width, the progress bar), and what each ending means as an exit status.

Exit statuses mean one thing for every command:
  0  ok (also when the reader of stdout went away: `analyzer scan | head -1`)
  1  only `--fail-on`: an incident met the condition asked for
  2  usage, input or state: a bad option, an unreadable file, a fatal input problem, an
     invalid rule file or failing rule example, a state database that cannot be used, or an
     output that cannot be written (`> /dev/full`)
  3  an internal error (a bug): one line with a pointer to `analyzer -v`, the traceback only
     with -v
"""

from __future__ import annotations

import errno
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import typer

from analyzer.errors import AnalyzerError, UsageError
from analyzer.model import Problem
from analyzer.textsafe import printable

if TYPE_CHECKING:
    from analyzer.report.progress import ProgressBar

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
DEFAULT_WIDTH = 120

F = TypeVar("F", bound=Callable[..., Any])


class State:
    verbose = False  # set by `analyzer -v`: internal errors print their traceback
    quiet = False  # set by `analyzer -q`: no warnings, no progress bar (errors still print)


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stdout() -> TextIO:
    return sys.stdout


def width(default: int = DEFAULT_WIDTH) -> int | None:
    """None on a terminal (rich measures it), else $COLUMNS or `default`."""
    if is_tty(sys.stdout):
        return None
    try:
        return int(os.environ.get("COLUMNS", str(default)))
    except ValueError:
        return default


def color() -> bool:
    """FORCE_COLOR (set, not 0) forces colour, as on CI; else NO_COLOR or a pipe turn it off."""
    forced = os.environ.get("FORCE_COLOR", "")
    if forced and forced != "0":
        return True
    return is_tty(sys.stdout) and not os.environ.get("NO_COLOR")


def wrap() -> bool:
    """Prose is wrapped at the width only on a terminal; in a pipe or file a line stays whole."""
    return is_tty(sys.stdout)


def error(message: str) -> None:
    typer.echo(f"analyzer: error: {printable(message)}", err=True)


def error_line(message: str) -> None:
    """A line on stderr that is not an error of the run (what --fail-on found): shown even
    with -q, since it explains the exit status."""
    typer.echo(f"analyzer: {printable(message)}", err=True)


def warn(message: str) -> None:
    if not State.quiet:
        typer.echo(f"analyzer: warning: {printable(message)}", err=True)


def fail(message: str) -> NoReturn:
    """One clean error line on stderr, exit 2."""
    error(message)
    raise typer.Exit(EXIT_USAGE)


def report_problems(problems: Iterable[Problem]) -> bool:
    """Warnings and errors on stderr; whether any was fatal."""
    fatal = False
    for problem in problems:
        (error if problem.fatal else warn)(str(problem))
        fatal = fatal or problem.fatal
    return fatal


def input_paths(paths: Sequence[str] | None) -> list[str]:
    """The inputs; stdin (`-`) when none are given, unless stdin is a terminal: reading the
    keyboard is never what was meant."""
    if paths:
        return list(paths)
    if is_tty(sys.stdin):
        raise UsageError("no input: give log files (or -) or pipe logs into stdin, e.g. "
                         "`analyzer scan app.log` or `cat app.log | analyzer scan`")
    return ["-"]


def choice(option: str, value: str, known: Sequence[str]) -> str:
    """The value among the known words, compared case-insensitively (JSON = json)."""
    if value.lower() not in known:
        raise UsageError(f"{option}: expected one of {', '.join(known)}, got {value!r}")
    return value.lower()


@contextmanager
def progress() -> Iterator[ProgressBar | None]:
    """A progress bar on stderr for long scans, when stderr is a terminal."""
    bar = None
    if is_tty(sys.stderr) and not State.quiet:
        from analyzer.report.progress import ProgressBar  # rich's progress code: ~30 ms

        bar = ProgressBar(sys.stderr)
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def command(function: F) -> F:
    """Wrap a command: its output is flushed inside, and every way it can end maps to one
    exit status (see the module docstring). typer reads the wrapped signature."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        code = EXIT_OK
        try:
            function(*args, **kwargs)
        except typer.Exit as done:
            code = done.exit_code
        except AnalyzerError as exc:
            error(str(exc))
            code = EXIT_USAGE
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except KeyboardInterrupt:
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except OSError as exc:
            code = _os_error(exc)
        except Exception as exc:
            code = _internal(exc)
        _flush(code)

    return run  # type: ignore[return-value]


def _flush(code: int) -> NoReturn:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:
        raise typer.Exit(_os_error(exc)) from None
    raise typer.Exit(code)


def _os_error(exc: OSError) -> int:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EIO) and exc.filename is None:
        silence_stdout()
        error(f"cannot write the output: {exc.strerror}")
        return EXIT_USAGE
    return _internal(exc)


def _internal(exc: BaseException) -> int:
    if State.verbose:
        traceback.print_exception(exc, file=sys.stderr)
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    typer.echo(f"analyzer: internal error: {printable(message)} (run `analyzer -v ...` for "
               "the traceback)", err=True)
    return EXIT_INTERNAL
