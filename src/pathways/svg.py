"""The pieces every server-rendered chart is made of: the palette, an accessible <svg> document and a label.

Presentation attributes only (the CSP forbids inline style); every text part is escaped here, so callers pass
plain strings.
"""

from html import escape

from markupsafe import Markup

INK = "#1d2733"
MUTED = "#4a5868"
LINE = "#cfd8e3"
BRAND = "#0b5cad"


def document(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> Markup:
    """An <svg> labelled by its title and description, for assistive technology."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lattice" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text part is escaped above


def label(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )
