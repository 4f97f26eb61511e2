"""Hypothesis strategies shared by several test modules."""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from policykit.model import Lifetime, Persistence, Unit

_untils = st.none() | st.text(alphabet="abcdefgh ", min_size=1).map(lambda s: "x" + s.strip())

# One case of a lifetime: a session, 'persistent', or a duration that may be a maximum
# ('up to') and renewed ('from your last visit').
_cases = st.one_of(
    st.builds(Lifetime.session),
    st.builds(Lifetime, st.just(Persistence.PERSISTENT)),
    st.builds(
        Lifetime.of,
        amount=st.integers(1, 999_999),
        unit=st.sampled_from(Unit),
        maximum=st.booleans(),
        renewed=st.booleans(),
    ),
)


@st.composite
def _choices(draw: st.DrawFn) -> Lifetime:
    first, second = draw(_cases), draw(_cases)
    if first == second:
        return attrs.evolve(first, until=draw(_untils))
    return attrs.evolve(first, choice=second, until=draw(_untils))


lifetimes = st.one_of(
    st.builds(Lifetime.session, until=st.none() | st.just("logout")),
    st.builds(Lifetime.not_stated),
    st.builds(Lifetime.of, amount=st.integers(1, 999_999), unit=st.sampled_from(Unit), until=_untils),
    _cases.flatmap(lambda case: _untils.map(lambda until: attrs.evolve(case, until=until))),
    _choices(),
)
