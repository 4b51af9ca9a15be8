"""The crawler's reading of a page: what it offers, as a browser would follow or submit it."""

from tests.browser.crawler import offered


def test_offers_reads_links_and_get_forms_as_a_browser_submits_them() -> None:
    html = """<a href="/team?sort=name">Name</a>
    <form method="get" action="/team"><input name="q" value="al">
    <select name="site"><option value="">Any</option><option value="NV" selected>NV</option></select>
    <input type="checkbox" name="only"><button>Go</button></form>
    <form method="post" action="/logout"><input name="csrf_token" value="x"></form>"""
    assert offered(html) == ["/team?sort=name", "/team?q=al&site=NV"]
