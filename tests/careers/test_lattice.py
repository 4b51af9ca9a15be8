import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.careers.lattice import (
    Box,
    LatticeEdge,
    LatticeLayout,
    LatticeRole,
    layout_lattice,
    render_svg,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"

ROLES = [
    LatticeRole("psr-1", "PSR I", "patient-services"),
    LatticeRole("psr-2", "PSR II", "patient-services"),
    LatticeRole("site-lead", "PSR II Site Lead", "patient-services"),
    LatticeRole("float", "PSR II Float", "patient-services"),
    LatticeRole("group-lead", "Group Lead", "leadership"),
    LatticeRole("supervisor", "Patient Services Supervisor", "leadership"),
    LatticeRole("pam", "Patient Access Manager", "leadership"),
    LatticeRole("coder", "Medical Coder", "revenue-cycle"),
    LatticeRole("billing", "Billing Specialist", "revenue-cycle"),
]
MOVES = [
    ("psr-1", "psr-2"),
    ("psr-2", "site-lead"),
    ("psr-2", "float"),
    ("site-lead", "float"),
    ("float", "site-lead"),
    ("site-lead", "group-lead"),
    ("float", "group-lead"),
    ("group-lead", "supervisor"),
    ("supervisor", "pam"),
    ("psr-1", "billing"),
    ("psr-2", "billing"),
    ("psr-2", "coder"),
    ("billing", "coder"),
]
EDGES = [LatticeEdge(a, b) for a, b in MOVES]


def reachable(edges: list[LatticeEdge], start: str) -> set[str]:
    seen, pending = {start}, [start]
    while pending:
        node = pending.pop()
        for edge in edges:
            if edge.from_code == node and edge.to_code not in seen:
                seen.add(edge.to_code)
                pending.append(edge.to_code)
    return seen


def overlaps(a: Box, b: Box) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def assert_well_formed(layout: LatticeLayout, roles: list[LatticeRole], edges: list[LatticeEdge]) -> None:
    assert set(layout.boxes) == {r.code for r in roles}
    boxes = list(layout.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), (a.code, b.code)
        assert a.x >= 0 and a.x + a.width <= layout.width
        assert a.y >= 0 and a.y + a.height <= layout.height
    for arrow in layout.arrows:
        start, end = layout.boxes[arrow.from_code], layout.boxes[arrow.to_code]
        if arrow.sideways:
            # Only roles that can move into each other share a column.
            assert start.column == end.column
            assert arrow.from_code in reachable(edges, arrow.to_code)
        else:
            assert start.column < end.column
            xs = [x for x, _ in arrow.points]
            assert xs == sorted(xs), "a move must run left to right"
            assert arrow.points[0][0] == start.x + start.width
            assert arrow.points[-1][0] == end.x
            # Runs through skipped columns stay clear of the boxes there.
            for (x1, y1), (x2, _y2) in zip(arrow.points[1:-1:2], arrow.points[2:-1:2], strict=True):
                for box in boxes:
                    if box.x <= x1 < box.x + box.width or box.x < x2 <= box.x + box.width:
                        assert not box.y <= y1 <= box.y + box.height, (
                            arrow.from_code,
                            arrow.to_code,
                            box.code,
                        )
    assert {(a.from_code, a.to_code) for a in layout.arrows} == {
        (e.from_code, e.to_code) for e in edges if e.from_code != e.to_code
    }


def test_career_lattice_layout_runs_left_to_right_without_overlaps() -> None:
    layout = layout_lattice(ROLES, EDGES)
    assert_well_formed(layout, ROLES, EDGES)
    columns = {code: box.column for code, box in layout.boxes.items()}
    assert columns["psr-1"] == 0
    assert columns["psr-2"] == 1
    # The site-lead/float cycle shares a column: moves between them are drawn vertically.
    assert columns["site-lead"] == columns["float"] == 2
    # Longest path from the sources: coder comes after billing, which comes after PSR II.
    assert columns["billing"] == 2
    assert columns["coder"] == 3
    assert columns["pam"] == 5
    sideways = {(a.from_code, a.to_code) for a in layout.arrows if a.sideways}
    assert sideways == {("site-lead", "float"), ("float", "site-lead")}


def test_svg_links_every_role_and_is_labelled() -> None:
    layout = layout_lattice(ROLES, EDGES)
    markup = render_svg(layout, "The career lattice", "Nine roles and thirteen moves.")
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-labelledby") == "lattice-title lattice-desc"
    assert root.find(f"{SVG}title").text == "The career lattice"
    assert root.find(f"{SVG}desc").text == "Nine roles and thirteen moves."
    assert root.get("role") is None  # links inside must stay reachable, so no role="img"
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert links == {f"/roles/{role.code}" for role in ROLES}
    paths = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(paths) == len(EDGES)
    assert all(p.get("marker-end") == "url(#lattice-arrow)" for p in paths)
    assert root.find(f"{SVG}defs/{SVG}marker").get("id") == "lattice-arrow"
    # Each link is named by the whole role name, even where the name is drawn on two lines.
    names = {a.get("href"): a.get("aria-label") for a in root.iter(f"{SVG}a")}
    assert names["/roles/supervisor"] == "Patient Services Supervisor"
    lines = [t.text for t in root.iter(f"{SVG}tspan")]
    assert "Patient Services" in lines and "Supervisor" in lines


def test_svg_escapes_text_and_codes() -> None:
    roles = [
        LatticeRole("a&b", 'Lead <script>"x"</script>', "odd family"),
        LatticeRole("c", "C & D", "odd family"),
    ]
    markup = render_svg(layout_lattice(roles, [LatticeEdge("a&b", "c")]), "T <1>", "D & E", id_prefix="x")
    assert "<script>" not in markup
    root = ET.fromstring(markup)  # would fail on unescaped text
    assert {a.get("href") for a in root.iter(f"{SVG}a")} == {"/roles/a&b", "/roles/c"}
    assert 'Lead <script>"x"</script>' in {a.get("aria-label") for a in root.iter(f"{SVG}a")}
    assert root.find(f"{SVG}title").text == "T <1>"
    assert "Odd family" in markup


def test_wrap_keeps_words_whole_and_lines_short() -> None:
    assert wrap("Patient Services Supervisor") == ("Patient Services", "Supervisor")
    assert wrap("PSR I") == ("PSR I",)
    assert all(len(line) <= 17 for line in wrap("Patient Access Manager of the North Valley"))
    assert wrap("") == ("",)


def test_unknown_role_in_a_move_is_refused() -> None:
    with pytest.raises(ValueError, match="ghost"):
        layout_lattice(ROLES, [LatticeEdge("psr-1", "ghost")])


def test_empty_and_single_role_lattices() -> None:
    assert layout_lattice([], []).boxes == {}
    layout = layout_lattice([ROLES[0]], [LatticeEdge("psr-1", "psr-1")])
    assert layout.arrows == ()
    assert re.search(r'<a href="/roles/psr-1" aria-label="PSR I">', render_svg(layout, "t", "d"))


def test_distant_members_of_a_cycle_get_an_arc() -> None:
    roles = [LatticeRole(c, c.upper(), "f") for c in "abcd"]
    edges = [LatticeEdge("a", "b"), LatticeEdge("b", "c"), LatticeEdge("c", "a"), LatticeEdge("a", "c")]
    layout = layout_lattice(roles, [*edges, LatticeEdge("d", "a")])
    assert_well_formed(layout, roles, [*edges, LatticeEdge("d", "a")])
    arcs = [a for a in layout.arrows if a.sideways and "C" in a.d]
    assert arcs, "a move between non-adjacent rows of one column curves out to the side"


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[LatticeRole], list[LatticeEdge]]:
    count = draw(st.integers(min_value=1, max_value=12))
    families = ["patient-services", "leadership", "revenue-cycle"]
    roles = [LatticeRole(f"r{i}", f"Role number {i}", draw(st.sampled_from(families))) for i in range(count)]
    pairs = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=30))
    return roles, [LatticeEdge(f"r{a}", f"r{b}") for a, b in pairs]


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_any_graph_lays_out_cleanly(graph: tuple[list[LatticeRole], list[LatticeEdge]]) -> None:
    roles, edges = graph
    layout = layout_lattice(roles, edges)
    assert_well_formed(layout, roles, edges)
    root = ET.fromstring(render_svg(layout, "t", "d"))
    assert len(list(root.iter(f"{SVG}a"))) == len(roles)
