"""A minimal HTTP/1.1 client over real loopback sockets, standard library only: one
keep-alive connection per client, a cookie jar, and the reading of an HTML form as a browser
would submit it. Readers and the editor use it; it never imports Django."""

import http.client
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# Errors that mean the server closed a kept-alive connection before reading the request.
STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name, default=""):
        return self.headers.get(name, default)


class Client:
    """One connection to the site at host:port, reopened when the server closes it."""

    def __init__(self, host, port, timeout=120, headers=None):
        self.host, self.port, self.timeout = host, port, timeout
        self.base_headers = {"Accept-Language": "en", **(headers or {})}
        self.cookies = {}
        self._connection = None
        self._reused = False

    @property
    def origin(self):
        return f"http://{self.host}:{self.port}"

    def close(self):
        if self._connection is not None:
            self._connection.close()
        self._connection, self._reused = None, False

    def request(self, method, path, body=None, headers=None, fresh=False):
        """Send one request and read the whole response. A GET that finds its kept-alive
        connection closed by the server is sent again once on a new connection, as browsers
        do; `fresh` opens a new connection first (used for POSTs, which are never resent)."""
        if fresh:
            self.close()
        all_headers = {**self.base_headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            reused = self._reused
            start = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=all_headers)
                response = self._connection.getresponse()
                data = response.read()
            except STALE_CONNECTION_ERRORS:
                self.close()
                if reused and attempt == 1 and method in ("GET", "HEAD"):
                    continue
                raise
            except Exception:
                self.close()
                raise
            seconds = time.perf_counter() - start
            self._reused = True
            if response.will_close:
                self.close()
            self._store_cookies(response.headers)
            return Response(response.status, response.headers, data, seconds)
        raise AssertionError("unreachable")

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, headers=None):
        body = urlencode(fields, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=headers, fresh=True)

    def _store_cookies(self, headers):
        for line in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


class FormParser(HTMLParser):
    """The fields of the first POST form (or the form with `form_id`) as a browser would
    submit them unchanged: every hidden and other input with its value, checked boxes,
    selected options (the first one of a single select when none is), textareas. Submit
    buttons are left out: the caller adds the one it presses."""

    TEXT_TYPES = {"text", "hidden", "date", "number", "email", "url", "search", "password", "tel"}
    VOID_TAGS = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "col", "area"}

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields = []  # (name, value), in document order
        self.errors = []
        self._in_form = False
        self._done = False
        self._select = None  # [name, multiple, options [(value, selected)]]
        self._option = None  # [value or None, selected, text]
        self._textarea = None  # [name, text]
        self._error_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._in_form and not self._done:
            wanted = (
                attrs.get("id") == self.form_id
                if self.form_id
                else (attrs.get("method") or "").lower() == "post"
            )
            self._in_form = wanted
            return
        if not self._in_form:
            return
        if tag not in self.VOID_TAGS:
            classes = (attrs.get("class") or "").split()
            if self._error_depth:
                self._error_depth += 1
            elif "errorlist" in classes or "errornote" in classes:
                self._error_depth = 1
                self.errors.append("")
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in self.TEXT_TYPES:
                self.fields.append((name, attrs.get("value") or ""))
            elif kind in ("checkbox", "radio") and "checked" in attrs:
                self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = [name, "multiple" in attrs, []]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._error_depth and self.errors:
            self.errors[-1] += data

    def handle_endtag(self, tag):
        if not self._in_form:
            return
        if tag == "form":
            self._in_form, self._done = False, True
            return
        if tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select[2].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A newline right after <textarea> is not part of the value.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        if self._error_depth and tag not in self.VOID_TAGS:
            self._error_depth -= 1


def read_form(html, form_id=None):
    """(fields as an ordered list of (name, value), error texts) of the form in `html`."""
    parser = FormParser(form_id)
    parser.feed(html)
    parser.close()
    return parser.fields, [" ".join(error.split()) for error in parser.errors if error.strip()]


def set_field(fields, name, value):
    """Replace every value of `name` with `value` (or add it)."""
    kept = [(key, old) for key, old in fields if key != name]
    kept.append((name, value))
    return kept
