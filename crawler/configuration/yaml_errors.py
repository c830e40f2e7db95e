"""Where a YAML syntax error really is: the line a person must fix, in words they can act on.

The parser's problem_mark is where it gave up, which is often lines below the mistake: an unclosed quote
swallows the lines after it until the end of the file or the next quote (often in a comment). Its
context_mark, when the context is something opened and never finished, is the line to fix.
"""

from __future__ import annotations

import re

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import ScalarToken

# Contexts whose mark is where something starts that the error says was never finished.
NEVER_FINISHED = {
    "while parsing a flow mapping": "a '{' is never closed with '}'",
    "while parsing a flow sequence": "a '[' is never closed with ']'",
    "while scanning a simple key": "a key with no ':' after it",
}
QUOTED = ("while scanning a quoted scalar", "while scanning a double-quoted scalar",
          "while scanning a single-quoted scalar")
# A line of YAML structure (a key or a list entry) inside a quoted value: the quote swallowed it.
STRUCTURE_LINE = re.compile(r"^\s*(-\s|[\w.-]+:(\s|$))", re.MULTILINE)


def _line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _found(problem: str) -> str:
    if "end of stream" in problem or "<stream end>" in problem:
        return "found the end of the file"
    return problem


def _swallowing_quote(text: str, problem_line: int | None) -> int | None:
    """The line of a quoted value that runs over YAML structure up to where the parser failed, if any.

    The scanner reads such a value as one string (its closing quote is the next quote it meets, often in a
    comment), so neither of its marks points at the line that lacks the quote."""
    culprit = None
    try:
        for token in YAML().scan(text):
            if isinstance(token, ScalarToken) and token.style in ("'", '"') \
                    and token.start_mark.line < token.end_mark.line \
                    and STRUCTURE_LINE.search(text[token.start_mark.index:token.end_mark.index].split("\n", 1)[1]):
                culprit = token
    except YAMLError:
        pass
    # Only a quote that closes where the parser then fails: a quoted value spanning lines on purpose, higher up,
    # is not to blame for a mistake further down.
    if culprit is None or problem_line is None or not problem_line - 1 <= _line(culprit.end_mark) <= problem_line:
        return None
    return _line(culprit.start_mark)


def syntax_error_message(name: str, text: str, exc: YAMLError) -> str:
    """One line: the file, the line to fix, what is wrong there, and where the parser noticed it."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    problem_line = _line(getattr(exc, "problem_mark", None))
    context_line = _line(getattr(exc, "context_mark", None))
    never_closed = context in QUOTED and "end of stream" in problem
    if (context in NEVER_FINISHED or never_closed) and context_line is not None:
        line = context_line
        what = "a quoted value is never closed" if never_closed else NEVER_FINISHED[context]
        at_line = problem_line not in (None, context_line) and "end of stream" not in problem
        what += f" ({_found(problem)}{f' at line {problem_line}' if at_line else ''})"
    elif (quoted := _swallowing_quote(text, problem_line)) is not None and quoted != problem_line:
        line = quoted
        what = (f"a quoted value is never closed (it swallows the lines below it up to line {problem_line}, "
                f"where YAML stopped: {problem})")
    elif "'\\t'" in problem:
        line, what = problem_line, "a tab; YAML indents with spaces only"
    elif "expected <block end>" in problem:
        line, what = problem_line, f"this line is indented differently from the lines above it ({problem})"
    elif "mapping values are not allowed here" in problem:
        line, what = problem_line, ("a ':' where none can be (a line indented too far, or a value "
                                    "containing ': ' that needs quotes)")
    else:
        line, what = problem_line, problem
    where = f" line {line}" if line is not None else ""
    return f"{name}{where}: YAML syntax error: {what}; fix that line"
