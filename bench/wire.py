"""Rows 8-10: end to end against a local nginx answering `200 {}` over keep-alive.

Contenders, each with its own keep-alive connection(s) to the same server:
- pusher-core's facade `Pusher(...).trigger(...)` on `Urllib3Transport` and on
  `UrllibTransport`: build, sign, send, check the status, parse the JSON answer;
- the reference, `pusher.Pusher(..., ssl=False, host=..., port=...).trigger(...)`
  (requests);
- the floors: a raw urllib3 loop (`HTTPConnectionPool.urlopen`) and a raw
  `http.client` loop, POSTing a request pre-signed outside the timed loop (the
  same bytes pusher-core sends) and checking the status.

Wall time gives triggers per second; `time.process_time` (every thread of this
process; nginx is another process) gives the client CPU per trigger. The
contenders run interleaved, round by round; ratios are medians of per-round
ratios. The garbage collector stays on, as in real use.
"""

from __future__ import annotations

import http.client
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import (
    APP_ID,
    KEY,
    REFERENCE,
    SECRET,
    Line,
    Settings,
    at_least,
    at_most,
    median,
    paired_ratio,
)
from bench.pure import BASE_URL, CHANNEL, DATA, EVENT, floor_trigger

HOST = "127.0.0.1"
THREADS = 4
BULK_EVENTS = 1000

U3_FLOOR = "raw urllib3"
HC_FLOOR = "raw http.client"
HC_FLOOR_BUILDING = "raw http.client, building each request"
HC_FLOOR_CHECKING = "raw http.client, checking its idle connection"
CORE_U3 = "pusher-core urllib3"
CORE_HC = "pusher-core stdlib"

# The end-to-end target: each transport at least 0.85x its raw floor in triggers/s.
_RATE_LIMIT = 0.85

Work = Callable[[int], None]
"""Does `n` triggers (or, for bulk, one round of BULK_EVENTS events)."""


@dataclass
class Sample:
    wall_ns: int
    cpu_ns: int


def _core_client(port: int, transport: Any) -> Any:
    from pusher_core.client import Pusher

    return Pusher(APP_ID, KEY, SECRET, ssl=False, host=HOST, port=port, transport=transport)


def _transports() -> dict[str, Callable[[], Any]]:
    from pusher_core.adapters.urllib3_transport import Urllib3Transport
    from pusher_core.adapters.urllib_transport import UrllibTransport

    return {
        CORE_U3: lambda: Urllib3Transport(timeout=5),
        CORE_HC: lambda: UrllibTransport(timeout=5),
    }


def _reference(port: int) -> Any | None:
    try:
        import pusher
    except ImportError:
        return None
    return pusher.Pusher(APP_ID, KEY, SECRET, ssl=False, host=HOST, port=port)


def _presigned(
    port: int, *, batch: list[dict[str, Any]] | None = None
) -> tuple[str, bytes, dict[str, str]]:
    """(target, body, headers) of a request signed now, exactly as pusher-core would send it."""
    from pusher_core.config import AppConfig
    from pusher_core.events import trigger_batch_request, trigger_request

    config = AppConfig.from_options(APP_ID, KEY, SECRET, ssl=False, host=HOST, port=port)
    stamp = int(time.time())
    if batch is None:
        request = trigger_request(
            config, channels=CHANNEL, event_name=EVENT, data=DATA, timestamp=stamp
        )
    else:
        request = trigger_batch_request(config, events=batch, timestamp=stamp)
    return request.target, request.body, dict(request.headers)


class _RawUrllib3:
    """The urllib3 floor: one connection pool, `urlopen` of pre-signed requests."""

    def __init__(self, port: int, maxsize: int) -> None:
        import urllib3

        self.port = port
        self.pool = urllib3.HTTPConnectionPool(HOST, port, maxsize=maxsize, block=True)

    def post(self, target: str, body: bytes, headers: dict[str, str], n: int) -> None:
        urlopen = self.pool.urlopen
        for _ in range(n):
            response = urlopen(
                "POST",
                target,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                preload_content=True,
            )
            if response.status != 200:
                raise RuntimeError(f"nginx answered {response.status}")


class _RawHttpClient:
    """The http.client floor: one keep-alive connection per thread, pre-signed requests."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
        return conn

    def post(self, target: str, body: bytes, headers: dict[str, str], n: int) -> None:
        conn = self._connection()
        request = conn.request
        getresponse = conn.getresponse
        for _ in range(n):
            request("POST", target, body, headers)
            response = getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"nginx answered {response.status}")

    def post_checked(self, target: str, body: bytes, headers: dict[str, str], n: int) -> None:
        """`post`, each request after the check both transports (and urllib3) make first.

        A pooled connection is polled (timeout 0) before it is reused: readable
        means the server closed it or sent bytes nobody asked for. The poll
        releases the GIL, which several threads then contend for.
        """
        conn = self._connection()
        request = conn.request
        getresponse = conn.getresponse
        poller = None
        for _ in range(n):
            if conn.sock is not None:
                if poller is None:
                    poller = select.poll()
                    poller.register(conn.sock, select.POLLIN)
                if poller.poll(0):
                    raise RuntimeError("nginx closed the idle connection")
            request("POST", target, body, headers)
            response = getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"nginx answered {response.status}")

    def post_built(
        self, build: Callable[[], tuple[str, bytes]], headers: dict[str, str], n: int
    ) -> None:
        """`post` of `n` requests, each `(target, body)` from `build()`.

        A loop of its own: the floor's `post` pays for no call to a builder.
        """
        conn = self._connection()
        request = conn.request
        getresponse = conn.getresponse
        for _ in range(n):
            target, body = build()
            request("POST", target, body, headers)
            response = getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"nginx answered {response.status}")


def _floor_built_trigger() -> tuple[str, bytes]:
    """Row 1's floor: the trigger built and signed now, with the bare primitives."""
    url, body = floor_trigger(int(time.time()))
    return url.removeprefix(BASE_URL), body


def _in_threads(work: Work, n: int, threads: int) -> None:
    if threads == 1:
        work(n)
        return
    share = n // threads
    errors: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def body() -> None:
        start.wait()
        try:
            work(share)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    pool = [threading.Thread(target=body) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]


def _measure(work: Work, n: int, threads: int) -> Sample:
    wall = time.perf_counter_ns()
    cpu = time.process_time_ns()
    _in_threads(work, n, threads)
    return Sample(time.perf_counter_ns() - wall, time.process_time_ns() - cpu)


def _rounds(
    contenders: dict[str, Work], n: int, rounds: int, threads: int
) -> dict[str, list[Sample]]:
    names = list(contenders)
    for name in names:
        _measure(contenders[name], min(n, 50 * threads), threads)  # connect, warm up
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_measure(contenders[name], n, threads))
    return samples


def _trigger_contenders(port: int, threads: int) -> dict[str, Work]:
    target, body, headers = _presigned(port)
    raw_u3 = _RawUrllib3(port, maxsize=threads)
    raw_hc = _RawHttpClient(port)
    contenders: dict[str, Work] = {
        U3_FLOOR: lambda n: raw_u3.post(target, body, headers, n),
        HC_FLOOR: lambda n: raw_hc.post(target, body, headers, n),
    }
    if threads == 1:
        contenders[HC_FLOOR_BUILDING] = lambda n: raw_hc.post_built(
            _floor_built_trigger, headers, n
        )
    else:
        contenders[HC_FLOOR_CHECKING] = lambda n: raw_hc.post_checked(target, body, headers, n)
    for name, make in _transports().items():
        client = _core_client(port, make())

        def core(n: int, trigger: Callable[..., Any] = client.trigger) -> None:
            for _ in range(n):
                trigger(CHANNEL, EVENT, DATA)

        contenders[name] = core
    reference = _reference(port)
    if reference is not None:

        def ref(n: int, trigger: Callable[..., Any] = reference.trigger) -> None:
            for _ in range(n):
                trigger(CHANNEL, EVENT, DATA)

        contenders[REFERENCE] = ref
    return contenders


def _rate(samples: list[Sample], n: int) -> list[float]:
    return [n / (s.wall_ns / 1e9) for s in samples]


def _cpu_us(samples: list[Sample], n: int) -> list[float]:
    return [s.cpu_ns / 1e3 / n for s in samples]


def _trigger_lines(row: str, label: str, samples: dict[str, list[Sample]], n: int) -> list[Line]:
    lines = []
    ref = samples.get(REFERENCE)
    for sub, core_name, floor_name, floor_label in (
        ("a", CORE_U3, U3_FLOOR, "urllib3 transport vs raw urllib3"),
        ("b", CORE_HC, HC_FLOOR, "stdlib transport vs raw http.client"),
    ):
        core, floor = samples[core_name], samples[floor_name]
        rate = _rate(core, n)
        floor_rate = _rate(floor, n)
        ref_rate = None if ref is None else _rate(ref, n)
        vs_floor = paired_ratio(rate, floor_rate)
        lines.append(
            Line(
                row=f"{row}{sub}",
                what=f"{label}: triggers/s, {floor_label}",
                unit="triggers/s",
                floor=median(floor_rate),
                reference=None if ref_rate is None else median(ref_rate),
                core=median(rate),
                vs_floor=vs_floor,
                vs_reference=None if ref_rate is None else paired_ratio(rate, ref_rate),
                target=f"≥ {_RATE_LIMIT:.2f}x floor",
                met=at_least(vs_floor, _RATE_LIMIT),
            )
        )
        building = samples.get(HC_FLOOR_BUILDING)
        if sub == "b" and building is not None:
            lines[-1].notes.append(_building_note(building, floor, n))
        checking = samples.get(HC_FLOOR_CHECKING)
        if sub == "b" and checking is not None:
            lines[-1].notes.append(_checking_note(checking, floor, n))
        cpu, floor_cpu = _cpu_us(core, n), _cpu_us(floor, n)
        ref_cpu = None if ref is None else _cpu_us(ref, n)
        cpu_vs_floor = paired_ratio(cpu, floor_cpu)
        lines.append(
            Line(
                row=f"{row}{sub}",
                what=f"{label}: client CPU per trigger, {floor_label}",
                unit="CPU µs/trigger",
                floor=median(floor_cpu),
                reference=None if ref_cpu is None else median(ref_cpu),
                core=median(cpu),
                vs_floor=cpu_vs_floor,
                vs_reference=None if ref_cpu is None else paired_ratio(cpu, ref_cpu),
                target="≤ 1.25x floor",
                met=at_most(cpu_vs_floor, 1.25),
            )
        )
    return lines


def _building_note(building: list[Sample], floor: list[Sample], n: int) -> str:
    """How much of the floor's rate a client keeps once it builds each request itself."""
    rate = paired_ratio(_rate(building, n), _rate(floor, n))
    cpu = paired_ratio(_cpu_us(building, n), _cpu_us(floor, n))
    return (
        "for scale, the raw http.client loop building and signing each request with row 1's "
        f"floor code reaches {rate:.2f}x the floor's triggers/s at "
        f"{cpu:.2f}x its CPU per trigger: the floor posts one request signed before the loop"
    )


def _checking_note(checking: list[Sample], floor: list[Sample], n: int) -> str:
    """How much of the floor's rate a client keeps once it checks idle connections."""
    rate = paired_ratio(_rate(checking, n), _rate(floor, n))
    cpu = paired_ratio(_cpu_us(checking, n), _cpu_us(floor, n))
    return (
        "for scale, the raw http.client loop polling its idle connection before each request "
        "(the stale-connection check both pusher-core transports and urllib3 make; the poll "
        f"releases the GIL) reaches {rate:.2f}x the floor's triggers/s at {cpu:.2f}x its CPU "
        "per trigger"
    )


def _bulk_events() -> list[dict[str, Any]]:
    return [
        {"channel": f"channel-{i % 10}", "name": EVENT, "data": {"message": "hello", "index": i}}
        for i in range(BULK_EVENTS)
    ]


def _bulk_contenders(port: int) -> dict[str, Work]:
    events = _bulk_events()
    batches = [events[i : i + 10] for i in range(0, BULK_EVENTS, 10)]
    raw_u3 = _RawUrllib3(port, maxsize=1)
    raw_hc = _RawHttpClient(port)

    def presigned() -> list[tuple[str, bytes, dict[str, str]]]:
        return [_presigned(port, batch=batch) for batch in batches]

    signed = presigned()

    def floor_u3(_: int) -> None:
        for target, body, headers in signed:
            raw_u3.post(target, body, headers, 1)

    def floor_hc(_: int) -> None:
        for target, body, headers in signed:
            raw_hc.post(target, body, headers, 1)

    contenders: dict[str, Work] = {U3_FLOOR: floor_u3, HC_FLOOR: floor_hc}
    for name, make in _transports().items():
        client = _core_client(port, make())

        def core(_: int, bulk: Callable[..., Any] = client.trigger_bulk) -> None:
            bulk(events)

        contenders[name] = core
    reference = _reference(port)
    if reference is not None:
        singles = [(e["channel"], e["name"], e["data"]) for e in events]

        def ref(_: int, trigger: Callable[..., Any] = reference.trigger) -> None:
            for channel, name, data in singles:
                trigger(channel, name, data)

        contenders[REFERENCE] = ref
    return contenders


def _bulk_lines(samples: dict[str, list[Sample]]) -> list[Line]:
    lines = []
    ref = samples.get(REFERENCE)
    ref_rate = None if ref is None else _rate(ref, BULK_EVENTS)
    for sub, core_name, floor_name, label in (
        ("a", CORE_U3, U3_FLOOR, "urllib3 transport; floor: raw urllib3"),
        ("b", CORE_HC, HC_FLOOR, "stdlib transport; floor: raw http.client"),
    ):
        rate = _rate(samples[core_name], BULK_EVENTS)
        floor_rate = _rate(samples[floor_name], BULK_EVENTS)
        vs_ref = None if ref_rate is None else paired_ratio(rate, ref_rate)
        lines.append(
            Line(
                row=f"10{sub}",
                what=f"1,000 events as bulk batches vs 1,000 reference triggers ({label})",
                unit="events/s",
                floor=median(floor_rate),
                reference=None if ref_rate is None else median(ref_rate),
                core=median(rate),
                vs_floor=paired_ratio(rate, floor_rate),
                vs_reference=vs_ref,
                target="≥ 5x ref",
                met=None if vs_ref is None else vs_ref >= 5,
            )
        )
    return lines


def run(settings: Settings, port: int, rows: set[str]) -> list[Line]:
    lines: list[Line] = []
    n = 200 if settings.quick else 1000
    rounds = 2 if settings.quick else 9
    if "8" in rows:
        samples = _rounds(_trigger_contenders(port, 1), n, rounds, 1)
        lines += _trigger_lines("8", "1 thread", samples, n)
    if "9" in rows:
        samples = _rounds(_trigger_contenders(port, THREADS), n, rounds, THREADS)
        lines += _trigger_lines("9", f"{THREADS} threads, one shared client", samples, n)
    if "10" in rows:
        samples = _rounds(_bulk_contenders(port), 1, 1 if settings.quick else 5, 1)
        lines += _bulk_lines(samples)
    return lines
