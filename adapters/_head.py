"""The head of an HTTP/1.x response: status line, header fields, and how the body is framed.

Both transports read responses with `http.client.HTTPResponse`. Its `begin`
parses the header fields with the `email` package: about 190,000 CPU
instructions for nginx's five fields, half of all a raw `http.client` POST
costs on keep-alive (400,000). `read_head` reads the same head in about 77,000,
and `BudgetedResponse.begin` hands its result to `http.client`'s body reader
(the attributes that reader works from: `chunked`, `chunk_left`, `length`,
`will_close`; typeshed declares them). `property_tests/test_head_properties.py`
holds it to `http.client` on every well-formed answer.

Rules: `http.client`'s limits, errors and connection rules, and RFC 9112
wherever `http.client` would read a broken head leniently:
- The status line is `HTTP/<version> <3 digits>[ <reason>]`, else
  `BadStatusLine`; no bytes at all is `RemoteDisconnected`. HTTP/1.0 (and 0.9)
  is version 10, any other HTTP/1.x 11, other versions `UnknownProtocol`.
  Interim 1xx heads before the final one are skipped (RFC 9110 section 15.2;
  `http.client` skips only 100).
- A header line is `name:value`, the name printable ASCII without `:`; the
  value loses surrounding spaces and tabs. A line that starts with a space or
  tab continues the field before it (obsolete folding, replaced by one space,
  RFC 9112 section 5.2). Any other line, or a CR or NUL inside a value, is an
  `HTTPException`: `http.client` (through `email`) would drop it and every
  field after it, framing fields included.
- Lines are at most 65,536 bytes (`LineTooLong`), heads at most 100 lines
  (`HTTPException`), as in `http.client`. The connection closing before the
  head's blank line is `RemoteDisconnected`, not the end of the head.
- The body (RFC 9112 section 6.3): none after a HEAD request, a 204 or a 304;
  chunked when the final transfer coding is `chunked`; until the connection
  closes under any other transfer coding (which overrides Content-Length);
  else Content-Length bytes, and a Content-Length that is not one decimal
  number (repeats must agree) is an `HTTPException`; else until close.
- The connection closes after the answer when an HTTP/1.1 answer says
  `Connection: close`, when an HTTP/1.0 answer does not ask to be kept alive
  (`Connection: keep-alive`, a `Keep-Alive` field or `Proxy-Connection:
  keep-alive`), and when the body runs until close.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Callable
from typing import NamedTuple

__all__ = ["HTTP_10", "HTTP_11", "MAX_HEAD_LINES", "MAX_LINE", "Head", "read_head"]

MAX_LINE = 65536
"""Bytes a status or header line may have (`http.client`'s limit)."""

MAX_HEAD_LINES = 100
"""Header lines a response may have, interim heads included (`http.client`'s limit)."""

_END = (b"\r\n", b"\n")  # the blank line that ends a head
# The status line, decoded; whitespace as `str.split()` sees it, as in `http.client`.
_STATUS = re.compile(r"HTTP/(\S*)\s+([1-9][0-9][0-9])(?:\s+(.*))?\s*")
# A field line, decoded, and a line continuing the field before it (obsolete
# folding): the value has no CR, LF or NUL, and no surrounding spaces or tabs.
_VALUE = r"((?:[^\r\n\x00]*[^ \t\r\n\x00])?)[ \t]*\r?\n"
_FIELD = re.compile(r"([\x21-\x39\x3b-\x7e]+):[ \t]*" + _VALUE)
_FOLD = re.compile(r"[ \t]+" + _VALUE)
# Comma-separated lists (RFC 9110 section 5.6.1), tested without splitting them.
_LENGTHS = re.compile(r"([0-9]+)(?:[ \t]*,[ \t]*\1)*")  # one decimal number, maybe repeated
_CLOSE = re.compile(r"(?:^|,)[ \t]*close[ \t]*(?:,|$)", re.IGNORECASE)
_KEEP_ALIVE = re.compile(r"(?:^|,)[ \t]*keep-alive[ \t]*(?:,|$)", re.IGNORECASE)
_CHUNKED_LAST = re.compile(r"(?:^|,)[ \t]*chunked[ \t]*(?:,[ \t]*)*$", re.IGNORECASE)
_NO_BODY = frozenset((204, 304))
_INTERIM = range(100, 200)
HTTP_10, HTTP_11 = 10, 11  # versions, as `HTTPResponse.version` counts them


class Head(NamedTuple):
    """A response head, read, and the framing of the body that follows it."""

    version: int  # HTTP_10 or HTTP_11
    status: int
    reason: str
    fields: tuple[tuple[str, str], ...]  # (name, value) pairs, in order, names as received
    chunked: bool
    length: int | None  # body bytes; None: chunked, or until the connection closes
    will_close: bool


def read_head(readline: Callable[[int], bytes], method: str | None) -> Head:
    """The head `readline` yields, for a request made with `method`.

    Args:
        readline: reads one line of at most n bytes (a buffered socket file's).
        method: the request's method (a HEAD answer has no body).

    Raises:
        http.client.HTTPException: the head is not valid HTTP/1.x (the subclasses
            `http.client` raises for the same fault), or the connection closed
            before its end (`RemoteDisconnected`).
    """
    left = MAX_HEAD_LINES
    while True:
        line = readline(MAX_LINE + 1)
        if len(line) > MAX_LINE or line[-1:] != b"\n":
            raise _bad_line(line, "status line", left)
        version, status, reason = _status_line(line)
        fields, left = _fields(readline, left)
        if status not in _INTERIM:  # else an interim answer: the final one follows
            return _framed(version, status, reason, fields, method)


def _fields(readline: Callable[[int], bytes], left: int) -> tuple[tuple[tuple[str, str], ...], int]:
    """The (name, value) pairs of the lines up to the blank one, and how many more may come.

    A folded line is joined to the field before it with a space. More than
    `left` lines is an error.
    """
    fields: list[tuple[str, str]] = []
    while (line := readline(MAX_LINE + 1)) not in _END:
        left -= 1
        if len(line) > MAX_LINE or line[-1:] != b"\n" or left < 0:
            raise _bad_line(line, "header line", left)
        text = line.decode("iso-8859-1")
        match = _FIELD.fullmatch(text)
        if match is not None:
            fields.append((match[1], match[2]))
        elif fields and (fold := _FOLD.fullmatch(text)) is not None:
            name, value = fields[-1]
            more = fold[1]
            fields[-1] = (name, f"{value} {more}" if value and more else value or more)
        else:
            raise http.client.HTTPException(f"bad header line: {line!r}")
    return tuple(fields), left


def _bad_line(line: bytes, what: str, left: int) -> http.client.HTTPException:
    """The error for a line too long, one too many, or cut by the connection's end."""
    if len(line) > MAX_LINE:
        return http.client.LineTooLong(what)
    if left < 0:
        return http.client.HTTPException(f"got more than {MAX_HEAD_LINES} headers")
    if not line and what == "status line":
        return http.client.RemoteDisconnected("Remote end closed connection without response")
    return http.client.RemoteDisconnected(
        f"connection closed before the end of the response head (at {line!r})"
    )


def _status_line(line: bytes) -> tuple[int, int, str]:
    text = line.decode("iso-8859-1")
    match = _STATUS.fullmatch(text)
    if match is None:
        raise http.client.BadStatusLine(text)
    version, code, reason = match.groups()
    if version in ("1.0", "0.9"):
        number = HTTP_10
    elif version.startswith("1."):
        number = HTTP_11
    else:
        raise http.client.UnknownProtocol(f"HTTP/{version}")
    return number, int(code), (reason or "").strip()


def _framed(
    version: int,
    status: int,
    reason: str,
    fields: tuple[tuple[str, str], ...],
    method: str | None,
) -> Head:
    """The head, with how its body is framed and whether the connection closes after it."""
    lengths, codings, options, keep_alive_field = _framing_fields(version, fields)
    if version == HTTP_11:
        will_close = bool(options) and _CLOSE.search(",".join(options)) is not None
    else:
        will_close = not (keep_alive_field or _KEEP_ALIVE.search(",".join(options)) is not None)
    chunked = False
    length: int | None = None
    if status in _NO_BODY or method == "HEAD":
        length = 0
    elif codings:  # the transfer coding frames the body; Content-Length does not count
        chunked = _CHUNKED_LAST.search(",".join(codings)) is not None
        will_close = will_close or not chunked
    elif lengths:
        match = _LENGTHS.fullmatch(",".join(lengths))
        if match is None:
            raise http.client.HTTPException(f"bad Content-Length: {lengths!r}")
        length = int(match[1])
    else:
        will_close = True
    return Head(version, status, reason, fields, chunked, length, will_close)


def _framing_fields(
    version: int, fields: tuple[tuple[str, str], ...]
) -> tuple[list[str], list[str], list[str], bool]:
    """The fields that frame the body or keep the connection, by kind.

    Returns the values of Content-Length, of Transfer-Encoding, of Connection
    (and Proxy-Connection, in HTTP/1.0), and whether a Keep-Alive field has a value.
    """
    lengths: list[str] = []
    codings: list[str] = []
    options: list[str] = []
    keep_alive_field = False
    for name, value in fields:
        key = name.lower()
        if key == "content-length":
            lengths.append(value)
        elif key == "transfer-encoding":
            codings.append(value)
        elif key == "connection" or (key == "proxy-connection" and version == HTTP_10):
            options.append(value)
        elif key == "keep-alive" and value:
            keep_alive_field = True
    return lengths, codings, options, keep_alive_field
