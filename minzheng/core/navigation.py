"""The navigation by duty, and the 待办 (my tasks) area that later modules fill.

A module adds a section with `register_section` and a to-do source with `register_todo_source`. Sections show only
to roles that may use them, so there are no dead links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str
    capability: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    due: Any = None  # a date, for sorting: most urgent first
    detail: str = ""


SECTIONS: list[Section] = []
TODO_SOURCES: list[Callable[[Any], list[TodoItem]]] = []


def register_section(section: Section) -> None:
    if all(s.key != section.key for s in SECTIONS):
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda s: s.order)


def register_todo_source(source: Callable[[Any], list[TodoItem]]) -> None:
    if source not in TODO_SOURCES:
        TODO_SOURCES.append(source)


def sections_for(user: Any) -> list[Section]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [s for s in SECTIONS if user.can(s.capability)]


def todos_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    for source in TODO_SOURCES:
        items.extend(source(user))
    return sorted(items, key=lambda item: (item.due is None, item.due or 0))


@dataclass(frozen=True)
class Panel:
    """A block another app adds to a page it does not own (the household page shows benefits, cases …)."""

    template: str
    context: dict[str, Any]


HOUSEHOLD_PANELS: list[Callable[[Any, Any], Panel | None]] = []


def register_household_panel(source: Callable[[Any, Any], Panel | None]) -> None:
    """``source(user, household)`` returns a panel or None; the registry renders them without knowing the apps."""
    if source not in HOUSEHOLD_PANELS:
        HOUSEHOLD_PANELS.append(source)


def household_panels(user: Any, household: Any) -> list[Panel]:
    return [panel for source in HOUSEHOLD_PANELS if (panel := source(user, household)) is not None]


HOME_PANELS: list[Callable[[Any], Panel | None]] = []


def register_home_panel(source: Callable[[Any], Panel | None]) -> None:
    """``source(user)`` returns a block for the first page after login (the dashboard), or None."""
    if source not in HOME_PANELS:
        HOME_PANELS.append(source)


def home_panels(user: Any) -> list[Panel]:
    return [panel for source in HOME_PANELS if (panel := source(user)) is not None]
