"""Career lattice layout and SVG drawing: pure functions, no database.

Columns come from the longest path from the sources. Roles that can move into each other (a cycle, such as
Site Lead <-> Float) form one strongly connected group, share a column and are drawn as vertical moves; every
other move goes strictly left to right. Moves that skip columns run through free lanes between boxes.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

MARGIN = 36
BOX_WIDTH = 150
COLUMN_GAP = 56
ROW_GAP = 40
PADDING = 12
LINE_HEIGHT = 18
FONT_SIZE = 15
WRAP_CHARS = 17
SIDEWAYS_OFFSET = 12
LEGEND_HEIGHT = 40
EDGE_COLOUR = "#4a5868"

FAMILY_LABELS = {
    "patient-services": "Patient services",
    "leadership": "Leadership",
    "revenue-cycle": "Revenue cycle",
}
# Light fills keep the dark link text (#084683) far above 4.5:1; strokes stay above 3:1 against white.
FAMILY_COLOURS = {
    "patient-services": ("#e3ecf7", "#0b5cad"),
    "leadership": ("#f7ecd9", "#8a4b00"),
    "revenue-cycle": ("#e3f2e7", "#1d6b35"),
}
FALLBACK_COLOURS = ("#eeeef3", "#4a5868")


@dataclass(frozen=True)
class LatticeRole:
    code: str
    name: str
    family: str


@dataclass(frozen=True)
class LatticeEdge:
    from_code: str
    to_code: str


@dataclass(frozen=True)
class Box:
    code: str
    name: str
    family: str
    column: int
    row: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Arrow:
    from_code: str
    to_code: str
    sideways: bool
    # Points the path passes through, in order; the SVG path is drawn from them.
    points: tuple[tuple[float, float], ...]
    d: str


@dataclass(frozen=True)
class LatticeLayout:
    boxes: dict[str, Box]
    arrows: tuple[Arrow, ...]
    width: float
    height: float
    families: tuple[str, ...]


def family_label(family: str) -> str:
    return FAMILY_LABELS.get(family, family.replace("-", " ").capitalize())


def wrap(text: str, limit: int = WRAP_CHARS) -> tuple[str, ...]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines) or ("",)


def strongly_connected(codes: Sequence[str], successors: dict[str, list[str]]) -> dict[str, int]:
    # Kosaraju: small graphs, so the two iterative passes are plenty.
    order: list[str] = []
    seen: set[str] = set()
    for start in codes:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(successors[start]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(node)
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(successors[child])))
    predecessors: dict[str, list[str]] = defaultdict(list)
    for node, targets in successors.items():
        for target in targets:
            predecessors[target].append(node)
    component: dict[str, int] = {}
    for root in reversed(order):
        if root in component:
            continue
        number = len(set(component.values()))
        pending = [root]
        component[root] = number
        while pending:
            node = pending.pop()
            for parent in predecessors[node]:
                if parent not in component:
                    component[parent] = number
                    pending.append(parent)
    return component


def assign_columns(
    codes: Sequence[str], edges: Sequence[LatticeEdge], component: dict[str, int]
) -> dict[str, int]:
    groups = sorted(set(component.values()))
    group_successors: dict[int, set[int]] = defaultdict(set)
    indegree = dict.fromkeys(groups, 0)
    for edge in edges:
        a, b = component[edge.from_code], component[edge.to_code]
        if a != b and b not in group_successors[a]:
            group_successors[a].add(b)
            indegree[b] += 1
    first_seen = {group: min(i for i, c in enumerate(codes) if component[c] == group) for group in groups}
    ready = sorted((g for g in groups if indegree[g] == 0), key=first_seen.__getitem__)
    column = dict.fromkeys(groups, 0)
    while ready:
        group = ready.pop(0)
        for child in sorted(group_successors[group], key=first_seen.__getitem__):
            column[child] = max(column[child], column[group] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return {code: column[component[code]] for code in codes}


def layout_lattice(roles: Sequence[LatticeRole], edges: Sequence[LatticeEdge]) -> LatticeLayout:
    by_code = {role.code: role for role in roles}
    edges = [e for e in dict.fromkeys(edges) if e.from_code != e.to_code]
    for edge in edges:
        if edge.from_code not in by_code or edge.to_code not in by_code:
            raise ValueError(
                f"The move {edge.from_code} -> {edge.to_code} names a role that is not in the lattice."
            )
    codes = [role.code for role in roles]
    successors: dict[str, list[str]] = {code: [] for code in codes}
    for edge in edges:
        successors[edge.from_code].append(edge.to_code)
    component = strongly_connected(codes, successors)
    columns = assign_columns(codes, edges, component)
    families = tuple(dict.fromkeys(role.family for role in roles))

    wrapped = {role.code: wrap(role.name) for role in roles}
    box_height = 2 * PADDING + LINE_HEIGHT * max((len(lines) for lines in wrapped.values()), default=1)
    column_count = max(columns.values(), default=-1) + 1
    per_column: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        per_column[columns[code]].append(code)
    tallest = max((len(members) for members in per_column.values()), default=0)
    pitch = box_height + ROW_GAP

    predecessors: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        predecessors[edge.to_code].append(edge.from_code)
    boxes: dict[str, Box] = {}
    for column in range(column_count):
        members = per_column[column]
        # Keep each cycle's members together, and pull groups towards the rows their moves come from.
        groups: dict[int, list[str]] = defaultdict(list)
        for code in members:
            groups[component[code]].append(code)

        def group_key(group: list[str]) -> tuple[float, int, int]:
            feeders = [boxes[p].center_y for code in group for p in predecessors[code] if p in boxes]
            centre = sum(feeders) / len(feeders) if feeders else 0.0
            return (centre, families.index(by_code[group[0]].family), codes.index(group[0]))

        ordered = [code for group in sorted(groups.values(), key=group_key) for code in group]
        top = MARGIN + (tallest - len(ordered)) * pitch / 2
        x = MARGIN + column * (BOX_WIDTH + COLUMN_GAP)
        for row, code in enumerate(ordered):
            role, y = by_code[code], top + row * pitch
            boxes[code] = Box(
                code, role.name, role.family, column, row, x, y, BOX_WIDTH, box_height, wrapped[code]
            )

    width = 2 * MARGIN + column_count * BOX_WIDTH + max(column_count - 1, 0) * COLUMN_GAP
    body_height = 2 * MARGIN + tallest * box_height + max(tallest - 1, 0) * ROW_GAP
    arrows = route_edges(edges, boxes, per_column)
    return LatticeLayout(boxes, arrows, width, body_height + LEGEND_HEIGHT, families)


def free_lane(column_boxes: list[Box], wanted_y: float, used: dict[float, int]) -> float:
    if not column_boxes:
        return wanted_y
    ordered = sorted(column_boxes, key=lambda b: b.y)
    lanes = [ordered[0].y - ROW_GAP / 2] + [b.y + b.height + ROW_GAP / 2 for b in ordered]
    lane = min(lanes, key=lambda y: abs(y - wanted_y))
    # Several long moves through one lane fan out a little instead of drawing on top of each other.
    count = used.get(lane, 0)
    used[lane] = count + 1
    return lane + min((count + 1) // 2, 2) * 6 * (1 if count % 2 else -1)


def ports(boxes: dict[str, Box], forward: list[LatticeEdge]) -> dict[tuple[str, str, str], float]:
    # Moves leaving (or entering) one box are spread along its edge, ordered by where they go.
    result: dict[tuple[str, str, str], float] = {}
    outgoing: dict[str, list[LatticeEdge]] = defaultdict(list)
    incoming: dict[str, list[LatticeEdge]] = defaultdict(list)
    for edge in forward:
        outgoing[edge.from_code].append(edge)
        incoming[edge.to_code].append(edge)
    for side, table, other in (("out", outgoing, "to"), ("in", incoming, "from")):
        for code, group in table.items():
            box = boxes[code]
            group.sort(key=lambda e: boxes[e.to_code if other == "to" else e.from_code].center_y)
            for i, edge in enumerate(group):
                result[(side, edge.from_code, edge.to_code)] = box.y + box.height * (i + 1) / (len(group) + 1)
    return result


def route_edges(
    edges: Sequence[LatticeEdge], boxes: dict[str, Box], per_column: dict[int, list[str]]
) -> tuple[Arrow, ...]:
    forward = [e for e in edges if boxes[e.from_code].column != boxes[e.to_code].column]
    port_y = ports(boxes, forward)
    lanes_used: dict[int, dict[float, int]] = defaultdict(dict)
    arrows: list[Arrow] = []
    for edge in edges:
        start, end = boxes[edge.from_code], boxes[edge.to_code]
        if start.column == end.column:
            arrows.append(sideways_arrow(edge, start, end))
            continue
        points = [(start.x + start.width, port_y[("out", edge.from_code, edge.to_code)])]
        end_point = (end.x, port_y[("in", edge.from_code, edge.to_code)])
        span = end.column - start.column
        for step in range(1, span):
            column = start.column + step
            column_boxes = [boxes[c] for c in per_column[column]]
            x = start.x + step * (BOX_WIDTH + COLUMN_GAP)
            wanted = points[0][1] + (end_point[1] - points[0][1]) * step / span
            lane = free_lane(column_boxes, wanted, lanes_used[column])
            points += [(x, lane), (x + BOX_WIDTH, lane)]
        points.append(end_point)
        arrows.append(Arrow(edge.from_code, edge.to_code, False, tuple(points), forward_path(points)))
    return tuple(arrows)


def forward_path(points: list[tuple[float, float]]) -> str:
    # Pairs of points are (leave a column, enter the next): an S-curve across each gap, a straight run
    # through each column skipped.
    parts = [f"M{points[0][0]:g},{points[0][1]:g}"]
    for i in range(0, len(points) - 1, 2):
        (x1, y1), (x2, y2) = points[i], points[i + 1]
        bend = (x2 - x1) / 2
        parts.append(f"C{x1 + bend:g},{y1:g} {x2 - bend:g},{y2:g} {x2:g},{y2:g}")
        if i + 2 < len(points):
            parts.append(f"L{points[i + 2][0]:g},{points[i + 2][1]:g}")
    return " ".join(parts)


def sideways_arrow(edge: LatticeEdge, start: Box, end: Box) -> Arrow:
    centre_x = start.x + start.width / 2
    if abs(start.row - end.row) == 1:
        # Downward moves on the left of centre, upward ones on the right, so a pair of opposite moves
        # shows as two arrows.
        x = centre_x - SIDEWAYS_OFFSET if end.row > start.row else centre_x + SIDEWAYS_OFFSET
        y1, y2 = (start.y + start.height, end.y) if end.row > start.row else (start.y, end.y + end.height)
        return Arrow(edge.from_code, edge.to_code, True, ((x, y1), (x, y2)), f"M{x:g},{y1:g} L{x:g},{y2:g}")
    # Rows further apart: an arc out into the gap on the right, clear of the boxes between.
    right = start.x + start.width
    bulge = right + COLUMN_GAP * 0.45
    arc = ((right, start.center_y), (bulge, start.center_y), (bulge, end.center_y), (right, end.center_y))
    d = (
        f"M{right:g},{start.center_y:g} C{bulge:g},{start.center_y:g} "
        f"{bulge:g},{end.center_y:g} {right:g},{end.center_y:g}"
    )
    return Arrow(edge.from_code, edge.to_code, True, arc, d)


def render_svg(layout: LatticeLayout, title: str, description: str, id_prefix: str = "lattice") -> str:
    title_id, desc_id, marker_id = f"{id_prefix}-title", f"{id_prefix}-desc", f"{id_prefix}-arrow"
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="lattice" '
        f'viewBox="0 0 {layout.width:g} {layout.height:g}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<defs><marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_COLOUR}"/></marker></defs>',
        f'<g aria-hidden="true" fill="none" stroke="{EDGE_COLOUR}" stroke-width="2">',
    ]
    for arrow in layout.arrows:
        out.append(
            f'<path d="{arrow.d}" marker-end="url(#{marker_id})" '
            f'data-from="{escape(arrow.from_code)}" data-to="{escape(arrow.to_code)}"/>'
        )
    out.append("</g>")
    out.append(f'<g font-size="{FONT_SIZE}" text-anchor="middle">')
    for box in layout.boxes.values():
        fill, stroke = FAMILY_COLOURS.get(box.family, FALLBACK_COLOURS)
        centre_x = box.x + box.width / 2
        first_y = box.center_y - (len(box.lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35
        spans = "".join(
            f'<tspan x="{centre_x:g}" y="{first_y + i * LINE_HEIGHT:g}">{escape(line)}</tspan>'
            for i, line in enumerate(box.lines)
        )
        out.append(
            # aria-label: the lines alone would read as one run-together word ("ServicesSupervisor").
            f'<a href="/roles/{escape(box.code)}" aria-label="{escape(box.name)}">'
            f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.width:g}" height="{box.height:g}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"/><text>{spans}</text></a>'
        )
    out.append("</g>")
    out.append(render_legend(layout))
    out.append("</svg>")
    return "\n".join(out)


def render_legend(layout: LatticeLayout) -> str:
    # The legend repeats what the family headings below the diagram say; colour is never the only cue.
    y = layout.height - LEGEND_HEIGHT + 4
    parts = ['<g aria-hidden="true" font-size="13">']
    x = float(MARGIN)
    for family in layout.families:
        fill, stroke = FAMILY_COLOURS.get(family, FALLBACK_COLOURS)
        label = family_label(family)
        parts.append(
            f'<rect x="{x:g}" y="{y:g}" width="18" height="18" rx="4" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"/><text x="{x + 26:g}" y="{y + 14:g}" fill="#1d2733">{escape(label)}</text>'
        )
        x += 48 + len(label) * 6.5
    parts.append("</g>")
    return "".join(parts)
