"""Throughput and memory under gunicorn, with wrk (Debian package `wrk`).

wrk rotates through a list of addresses with a small Lua script: each of its threads starts
at its own place in the list and steps over the others', so together they request every
address in turn. Figures come from wrk's own summary.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# wrk's Lua script: `wrk ... -s rotate.lua URL -- PATHS_FILE OFFSET THREADS`.
ROTATE_LUA = """\
-- Requests the addresses in PATHS_FILE in turn; thread n starts at OFFSET + n and steps
-- over the other threads' addresses.
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local paths = {}
local counter = 0
local step = 1

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  counter = tonumber(args[2]) + id
  step = tonumber(args[3])
end

function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + step
  return wrk.format(nil, path)
end
"""

INSTALL_HINT = "apt-get install -y wrk (Debian and Ubuntu), or see https://github.com/wg/wrk"


def available():
    return shutil.which("wrk") is not None


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    errors: int  # answers with a status of 400 or more
    socket_errors: int  # failed connections, reads, writes and timeouts
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    output: str = ""

    @property
    def failures(self):
        return self.errors + self.socket_errors


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def parse(output):
    """The figures of wrk's summary (run with --latency for the percentiles)."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not done or not rate:
        raise ValueError(f"Not wrk's summary:\n{output[-2000:]}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", output, re.MULTILINE))
    return WrkResult(
        requests=int(done.group(1)),
        seconds=_milliseconds(done.group(2) + done.group(3)) / 1000,
        rps=float(rate.group(1)),
        errors=int(errors.group(1)) if errors else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        latency_p50_ms=_milliseconds(latency["50"]) if "50" in latency else None,
        latency_p99_ms=_milliseconds(latency["99"]) if "99" in latency else None,
        output=output,
    )


def run(host, port, paths, workdir, seconds, connections, threads=2, offset=0, timeout=30):
    """Run wrk for `seconds` over `paths` (rotating) and return its figures."""
    workdir = Path(workdir)
    script = workdir / "rotate.lua"
    script.write_text(ROTATE_LUA, encoding="utf-8")
    paths_file = workdir / "wrk-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    threads = max(1, min(threads, connections))
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={timeout}s",
        "--latency",
        f"--script={script}",
        f"http://{host}:{port}{paths[0]}",
        "--",
        str(paths_file),
        str(offset),
        str(threads),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + timeout + 60
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)
