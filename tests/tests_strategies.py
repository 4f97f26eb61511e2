"""Hypothesis strategies shared by several test modules."""

from __future__ import annotations

from hypothesis import strategies as st

from policykit.model import Lifetime, Unit

lifetimes = st.one_of(
    st.builds(Lifetime.session, until=st.none() | st.just("logout")),
    st.builds(Lifetime.not_stated),
    st.builds(
        Lifetime.of,
        amount=st.integers(1, 999_999),
        unit=st.sampled_from(Unit),
        until=st.none() | st.text(alphabet="abcdefgh ", min_size=1).map(lambda s: "x" + s.strip()),
    ),
)
