"""One cookie, however many times and files saw it: the observations of all captures
grouped per cookie, and the evidence of each said in words.

In: Captures (a HAR and the cookie jar of the same visit, or any others). Out: Seen
records, one per cookie or storage entry: its name, what kind of storage, and each
observation with its capture, the first Set-Cookie header first. A cookie a script set
is seen in a request's Cookie header for the host (a domain the jar holds it for, or
one below); that request, its Set-Cookie header and its jar record are one cookie.
Grouping is linear in the observations: each domain's parents are looked up, never
every other domain.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from attrs import define

from policykit.audit.capture import Capture, Observation

__all__ = ["Seen", "describe", "group"]

Pair = tuple[Capture, Observation]
_RANK = {"header": 0, "jar": 1, "request": 2}


def _parents(domain: str) -> Iterator[str]:
    while domain:
        yield domain
        _, _, domain = domain.partition(".")


@define
class Seen:
    """One cookie (or local/session storage entry) and every observation of it."""

    pairs: list[Pair]

    @property
    def alive(self) -> list[Pair]:
        """The observations that did not delete it, the first Set-Cookie header first,
        then the jars', then the requests'."""
        kept = [pair for pair in self.pairs if not pair[1].deleted]
        return sorted(kept, key=lambda pair: _RANK.get(pair[1].how, 3))

    @property
    def first(self) -> Pair:
        """The observation that speaks for the cookie: the first of `alive`. IndexError when
        every observation deleted it."""
        return self.alive[0]

    def _first(self, how: str) -> Pair | None:
        return next((pair for pair in self.alive if pair[1].how == how), None)

    @property
    def header(self) -> Pair | None:
        """The first Set-Cookie header that set it (and did not delete it), or None."""
        return self._first("header")

    @property
    def request(self) -> Pair | None:
        """The first request that sent it in a Cookie header, or None."""
        return self._first("request")

    def lifetimes(self) -> list[Pair]:
        """The observations that know the lifetime, in the order they are judged."""
        return [pair for pair in self.alive if pair[1].lifetime_known]


def group(captures: Sequence[Capture]) -> list[Seen]:
    """Every cookie the captures saw, once, in the order first seen; one every
    observation of which deleted it is left out."""
    order: list[Pair] = [(capture, seen) for capture in captures for seen in capture.observations]
    # Where cookies live first (their Set-Cookie headers and jar records), then the
    # requests that sent them, each to the nearest domain it was sent for.
    order.sort(key=lambda pair: pair[1].how == "request")
    found: dict[tuple[str, str], dict[str, Seen]] = {}
    every: list[Seen] = []
    for pair in order:
        seen = pair[1]
        domains = found.setdefault((seen.storage, seen.name), {})
        if seen.how == "request":
            home = next((domains[d] for d in _parents(seen.domain) if d in domains), None)
        else:
            home = domains.get(seen.domain)
        if home is None:
            home = domains[seen.domain] = Seen([])
            every.append(home)
        home.pairs.append(pair)
    return [cookie for cookie in every if cookie.alive]


def _lived(seen: Observation) -> str:
    if seen.lifetime is None:
        return "a session cookie"
    days = seen.lifetime / 86_400
    return (
        f"expiring {days:.0f} days after the capture" if days >= 1 else f"expiring {seen.lifetime} s after the capture"
    )


def _one(pair: Pair, several: bool, main: bool) -> str:
    capture, seen = pair
    of = f" of {capture.file}" if several and not main else ""
    if seen.how in ("header", "request"):
        page = f", page {seen.page}" if seen.page not in ("", seen.request) else ""
        entry = f", entry {seen.entry}" if seen.entry is not None else ""
        said = f"request {seen.request}{page}{entry}{of}"
        return said if seen.how == "header" else f"sent in {said}"
    jar = f" {capture.file}" if several and not main else ""
    if seen.storage != "cookie":
        return f"in the {seen.storage.replace('-', ' ')} of {seen.request}" + (f" in{jar}" if jar else "")
    return f"in the cookie jar{jar}, {_lived(seen)}"


def describe(cookie: Seen, at: Pair, *, several: bool) -> str:
    """The evidence, in words: the observation the finding is at, then one of each other
    kind (the response that set it, the request that sent it, the jar that kept it)."""
    said = [_one(at, several, True)]
    kinds = {at[1].how}
    for pair in cookie.alive:
        if pair[1].how in kinds or (pair[1].how == "request" and "header" in kinds):
            continue
        kinds.add(pair[1].how)
        said.append(_one(pair, several, False))
    return "; ".join(said)
