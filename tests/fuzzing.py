"""What the fuzz tests share: their Hypothesis settings, the count of requests they make,
quiet request logs, and hostile text.

FUZZ_EXAMPLES sets the examples per test (`make fuzz`); each module says its default. With CI
set, the examples are derandomized (the same every run); otherwise Hypothesis keeps the
failing examples it finds in .hypothesis/ and tries them first next time.
"""

import logging
import os
from contextlib import contextmanager

from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase


def env_int(name, default):
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


EXAMPLES = env_int("FUZZ_EXAMPLES", 100)
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=IN_CI,
    database=None
    if IN_CI
    else DirectoryBasedExampleDatabase(django_settings.BASE_DIR / ".hypothesis" / "examples"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)


class FuzzTally:
    """Requests made by the fuzz tests, printed in pytest's closing summary."""

    def __init__(self):
        self.cases = 0

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(f"fuzz_cases {self.cases}")


TALLY = FuzzTally()


def count_cases(config):
    """Print the tally at the end of the run (once, whichever fuzz module runs first)."""
    if not config.pluginmanager.is_registered(TALLY):
        config.pluginmanager.register(TALLY, "fuzz-tally")


@contextmanager
def quiet_request_logs():
    """Thousands of 400s, 403s and 404s are expected: only errors reach the log."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR if logger.name == "django.request" else logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# Hostile values ---------------------------------------------------------------------------

SNIPPETS = [
    "'",
    '"',
    "' OR '1'='1",
    "1; DROP TABLE diplomacy_meeting; --",
    "' UNION SELECT username, password FROM auth_user --",
    "%",
    "_",
    "%%",
    "\\",
    "\x00",
    "\x00\x00\x00",
    "\x08",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\r\n",
    "\t",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}",
    "{% debug %}",
    "${7*7}",
    "../../../etc/passwd",
    "..",
    "/",
    "//",
    "?",
    "#",
    "&",
    "=",
    "+",
    ";",
    "%00",
    "%ZZ",
    "%C3%28",
    "NaN",
    "inf",
    "-1",
    "0",
    "1.5",
    "1e309",
    "99999999999999999999",
    "9" * 40,
    "1_000",
    "０１",
    "١٢",
    "²",
    "2024-02-30",
    "2024-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "2024-02-26T10:00",
    "２０２４-０２-２６",
    " VN ",
    "V",
    "VNM",
    "İ",
    "ı",
    "ß",
    "ǅ",
    "\u202e",
    "\ufeff",
    "\u0301",
    "\u200b",
    "\U0001f600",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "Bùi Thanh Sơn",
    "Việt Nam",
    "đ",
    "null",
    "None",
    "[]",
    "{}",
    "-",
    "--",
    '"unterminated',
    "-excluded",
    "or",
    "a | b & !c",
    ":*",
    "<->",
]

ANY_CHAR = st.characters(codec="utf-8")  # every code point but the lone surrogates
CONTROL_CHAR = st.characters(max_codepoint=0x1F) | st.characters(
    min_codepoint=0x7F, max_codepoint=0x9F
)

hostile_text = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(ANY_CHAR, max_size=30),
    st.text(CONTROL_CHAR | st.sampled_from("aZ0 -%'"), min_size=1, max_size=20),
    # Huge values: a short piece repeated (cheaper to generate than random megabytes).
    st.builds(
        lambda piece, times: piece * times,
        st.text(ANY_CHAR, min_size=1, max_size=4) | st.sampled_from(SNIPPETS[:12]),
        st.integers(min_value=100, max_value=5000),
    ),
    st.lists(st.sampled_from(SNIPPETS) | st.text(ANY_CHAR, max_size=6), min_size=2, max_size=6).map(
        "".join
    ),
)
