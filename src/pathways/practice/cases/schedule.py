"""Schedules shared by the booking and wait-list cases: minutes since midnight, 20-minute grid."""

from typing import Any

from pydantic import BaseModel

from pathways.practice.cases.base import hhmm

GRID = 20
DAY_START, DAY_END = 8 * 60, 17 * 60
VISIT_TYPES = {
    "new-patient": ("New patient visit", 40),
    "established": ("Established patient follow-up", 20),
    "new-physical": ("New patient annual physical", 60),
    "established-physical": ("Established patient annual physical", 40),
}


class Block(BaseModel):
    start: int
    end: int
    label: str = ""


class ProviderDay(BaseModel):
    provider: str
    day: str  # ISO date
    hours: list[Block]
    booked: list[Block]


def overlaps(start: int, end: int, blocks: list[Block]) -> bool:
    return any(start < b.end and b.start < end for b in blocks)


def within(start: int, end: int, blocks: list[Block]) -> bool:
    return any(b.start <= start and end <= b.end for b in blocks)


def grid_rows(days: list[ProviderDay]) -> list[dict[str, Any]]:
    """For the page: one row per grid time, one cell per provider-day: off, booked (label) or free."""
    rows = []
    for start in range(DAY_START, DAY_END, GRID):
        cells: list[dict[str, Any]] = []
        for column in days:
            booked = next((b for b in column.booked if b.start <= start < b.end), None)
            if not within(start, start + GRID, column.hours):
                cells.append({"state": "off"})
            elif booked:
                cells.append({"state": "booked", "label": booked.label, "first": booked.start == start})
            else:
                cells.append({"state": "free", "provider": column.provider, "day": column.day})
        rows.append({"time": hhmm(start), "cells": cells})
    return rows
