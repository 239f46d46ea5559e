"""Benchmark: the whole county's staff clicking at once (issue 17, "Fast with the county logged in").

    MINZHENG_VAR_DIR=/tmp/mz_load MINZHENG_SECURE_COOKIES=0 .venv/bin/minzheng migrate -v0
    MINZHENG_VAR_DIR=/tmp/mz_load MINZHENG_SECURE_COOKIES=0 .venv/bin/minzheng demo
    MINZHENG_VAR_DIR=/tmp/mz_load MINZHENG_SECURE_COOKIES=0 .venv/bin/minzheng serve --port 8021 --no-worker &
    .venv/bin/python bench/load.py --url http://127.0.0.1:8021 --staff 50 --think 5 --duration 120
    .venv/bin/python bench/load.py --url http://127.0.0.1:8021 --staff 50 --think 0 --duration 60

Simulates --staff clerks and village officers (the demo users, in turn; each simulated person has its own login
and session) on loopback only. Each logs in once (the logins are timed apart, as "login"), then clicks in a loop
the dashboard (/), a registry search (a surname or pinyin initials), a household page (one found by its searches)
and the case list, waiting a random think time of 0.5-1.5 x --think seconds between clicks (0: none). The run
stops by itself after --duration seconds or --max-requests clicks, whichever comes first, and prints the median,
p95 and p99 per page kind and overall, the errors and the throughput (clicks per second over the run). The server
must be started with MINZHENG_SECURE_COOKIES=0 (plain HTTP on loopback). Standard library only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random

DEMO_USERS = (
    "desheng_clerk",
    "niutan_clerk",
    "baixiang_officer",
    "renhe_officer",
    "desheng_head",
    "admin",
)
DEMO_PASSWORD = "Minzheng-demo-2026"  # noqa: S105 - the demo's public password
SEARCHES = ("张", "王", "李", "陈", "刘", "杨", "黄", "赵", "周", "吴", "zh", "wl", "ch", "ly")
KINDS = ("dashboard", "search", "household", "cases")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD_LINK = re.compile(r"/registry/households/(\d+)/")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return (
            None  # a redirect is an answer of its own (the login's 302, or a lost session's 302 to the login)
        )


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    clicks: int = 0

    def take_slot(self, limit: int) -> bool:
        with self.lock:
            if self.clicks >= limit:
                return False
            self.clicks += 1
            return True

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.timings[kind].append(seconds)
            if not ok:
                self.errors[f"{kind}: {detail}"] += 1


class Staff:
    def __init__(self, base: str, username: str, password: str, rng: Random, results: Results) -> None:
        self.base = base.rstrip("/")
        self.username, self.password = username, password
        self.rng, self.results = rng, results
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.households: list[str] = []

    def get(self, path: str, data: bytes | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - http:// checked in main()
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:  # 3xx (no redirects followed), 4xx, 5xx
            with error:
                return error.code, error.read().decode("utf-8", "replace")

    def login(self) -> bool:
        _status, body = self.get("/accounts/login/")
        token = CSRF_FIELD.search(body)
        form = {"username": self.username, "password": self.password}
        form["csrfmiddlewaretoken"] = token.group(1) if token else ""
        started = time.perf_counter()
        status, _body = self.get("/accounts/login/", urllib.parse.urlencode(form).encode())
        self.results.record("login", time.perf_counter() - started, status == 302, str(status))
        if status != 302:
            return False
        _status, body = self.get("/registry/")  # the first page of the user's households, to have one to open
        self.households = HOUSEHOLD_LINK.findall(body)
        return True

    def path_for(self, kind: str) -> str:
        if kind == "dashboard":
            return "/"
        if kind == "search":
            return "/registry/?" + urllib.parse.urlencode({"q": self.rng.choice(SEARCHES)})
        if kind == "household" and self.households:
            return f"/registry/households/{self.rng.choice(self.households)}/"
        if kind == "household":
            return "/registry/"
        return "/cases/"

    def click(self, kind: str) -> None:
        started = time.perf_counter()
        try:
            status, body = self.get(self.path_for(kind))
            detail = str(status)
        except OSError as error:
            status, body, detail = 0, "", type(error).__name__
        self.results.record(kind, time.perf_counter() - started, status == 200, detail)
        if kind == "search" and status == 200:
            found = HOUSEHOLD_LINK.findall(body)
            if found:
                self.households = (self.households + found)[-200:]

    def run(self, start: threading.Event, deadline: list[float], think: float, max_requests: int) -> None:
        start.wait()
        if think:
            time.sleep(self.rng.uniform(0, think))  # people don't all click at the same instant
        step = self.rng.randrange(len(KINDS))
        while time.monotonic() < deadline[0] and self.results.take_slot(max_requests):
            self.click(KINDS[step % len(KINDS)])
            step += 1
            if think:
                time.sleep(self.rng.uniform(0.5 * think, 1.5 * think))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8021", help="the running server (loopback only)")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between one person's clicks")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of clicking (after the logins)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--users", default=",".join(DEMO_USERS), help="comma-separated logins, used in turn")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    host = url.hostname or ""
    if url.scheme != "http" or host not in LOOPBACK:
        parser.error(f"--url must be http:// on loopback ({', '.join(sorted(LOOPBACK))}), not {host!r}")

    results = Results()
    users = [name for name in args.users.split(",") if name]
    staff = [
        Staff(args.url, users[i % len(users)], args.password, Random(args.seed * 1000 + i), results)  # noqa: S311
        for i in range(args.staff)
    ]
    login_started = time.perf_counter()
    logged_in = [person for person in staff if person.login()]
    print(
        f"{len(logged_in)}/{len(staff)} staff logged in in {time.perf_counter() - login_started:.1f} s "
        f"(users: {', '.join(users)})"
    )
    if not logged_in:
        raise SystemExit(
            "nobody could log in: is the server running with MINZHENG_SECURE_COOKIES=0 and the demo loaded?"
        )
    login_errors = dict(results.errors)
    results.errors.clear()

    start, deadline = threading.Event(), [0.0]
    threads = [
        threading.Thread(
            target=person.run, args=(start, deadline, args.think, args.max_requests), daemon=True
        )
        for person in logged_in
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + args.duration
    start.set()
    for thread in threads:
        thread.join(timeout=args.duration + 120)
    elapsed = time.monotonic() - began

    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"{len(logged_in)} staff, think {args.think:g} s (0.5-1.5 x), {elapsed:.1f} s, "
        f"limit {args.duration:g} s / {args.max_requests} clicks"
    )
    print(f"{'page':<10} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for kind in ("login", *KINDS):
        values = results.timings.get(kind, [])
        if kind != "login":
            everything += values
        if values:
            print(
                f"{kind:<10} {len(values):>7} {percentile(values, 0.50) * 1000:>8.0f} "
                f"{percentile(values, 0.95) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f} "
                f"{max(values) * 1000:>8.0f}"
            )
    if everything:
        print(
            f"{'all':<10} {len(everything):>7} {percentile(everything, 0.50) * 1000:>8.0f} "
            f"{percentile(everything, 0.95) * 1000:>8.0f} {percentile(everything, 0.99) * 1000:>8.0f} "
            f"{max(everything) * 1000:>8.0f}"
        )
    print(f"throughput: {len(everything) / elapsed:.1f} requests/s")
    for label, count in sorted({**login_errors, **results.errors}.items()):
        print(f"errors: {label} x {count}")


if __name__ == "__main__":
    main()
