"""What a student's code raised, as the checks and the isolation layer both see it.

The checks call student functions directly (in nbgrader's kernel) or through the grader's proxies
(isolation/student_process.py), and both raise `StudentCodeError` when the student's function
raised: the one type lives here, below both, so that neither imports the other.
"""
from __future__ import annotations

import textwrap


class MessageOnly:
    """Shown in Jupyter as its message alone, without the check library's frames.

    IPython asks an exception for `_render_traceback_()` and shows those lines instead of the
    traceback; the kernel sends them as the error output's traceback, which is also what
    nbgrader's Validate and feedback print. The frames inside the checks say nothing a
    student can act on: the message says what to fix.
    """

    def _render_traceback_(self) -> list[str]:
        lines = []
        for line in str(self).splitlines():
            indent = line[:len(line) - len(line.lstrip())]
            lines.extend(textwrap.wrap(line, RENDER_WIDTH, subsequent_indent=indent + "  ",
                                       break_long_words=False, break_on_hyphens=False)
                         or [""])
        return lines or [type(self).__name__]


# nbgrader's Validate indents each line by 4 and cuts it at 90 - 3 characters: wrap before.
RENDER_WIDTH = 82


class StudentCodeError(MessageOnly, Exception):
    """The student's function raised (or could not be run); carries the student's traceback text
    (their own frames only) and, when known, what the function received."""

    def __init__(self, function: str, kind: str, message: str, traceback: str = "",
                 arguments: str = ""):
        self.function, self.kind, self.message, self.traceback = function, kind, message, traceback
        self.arguments = arguments
        super().__init__(describe_student_error(function, kind, message, traceback, arguments))

    def with_arguments(self, arguments: str) -> "StudentCodeError":
        """Add what the function received (once) and update the message; a function that
        is not there received nothing."""
        if arguments and not self.arguments and not not_there(self.function, self.kind,
                                                              self.message):
            self.arguments = arguments
            self.args = (describe_student_error(self.function, self.kind, self.message,
                                                self.traceback, arguments),)
        return self


class StudentInterrupted(MessageOnly, KeyboardInterrupt):
    """The kernel was interrupted (Jupyter's stop button) while a student's function ran: still
    an interrupt, shown as where their code was, without the check library's frames."""

    def __init__(self, function: str, frames: str = ""):
        self.function = function
        text = (f"Interrupted while `{function}` was running: it had not returned. A call that "
                "never returns usually runs a loop whose condition never changes (a `while` "
                "whose variable is not updated in the loop, or an index that moves the wrong "
                "way).")
        if frames:
            text += "\nYour code was here when it stopped:\n" + frames
        super().__init__(text)


def describe_student_error(function: str, kind: str, message: str, traceback: str = "",
                           arguments: str = "") -> str:
    if kind == "NotImplementedError":
        return (f"`{function}` is not implemented yet: replace `raise NotImplementedError()` "
                "in its cell with your code.")
    if not_there(function, kind, message):   # never called: the message says why
        return (message + "\n" + traceback.rstrip()).rstrip()
    text = f"`{function}` raised {kind}: {message}".rstrip(": ")
    if traceback:
        text += "\n" + traceback.rstrip()
    if arguments:
        text += f"\n`{function}` received {arguments}."
    return text


def not_there(function: str, kind: str, message: str) -> bool:
    """Whether the error says that `function` itself is not in the notebook (not defined,
    or not a function), as the isolation layer reports it, rather than that it raised."""
    return kind == "NameError" and message.startswith(
        (f"`{function}` is not defined", f"`{function}` is not a function"))
