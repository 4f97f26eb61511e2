"""Localization: values formatted for a locale, and (later) the gettext catalogues.

In: model values (durations, dates, countries, lists) and a locale identifier.
Out: text for a reader of that locale.
"""

from __future__ import annotations

from policykit.i18n.values import (
    country_name,
    format_datetime,
    format_duration,
    format_list,
    text_direction,
)

__all__ = ["country_name", "format_datetime", "format_duration", "format_list", "text_direction"]
