from __future__ import annotations

from xml.etree import ElementTree

from donghanh.indicators.charts import Bar, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_an_accessible_svg_with_title_and_description() -> None:
    svg = bar_chart(
        ident="by-province",
        title="Trainees by province",
        description="Nghệ An 300, Hà Tĩnh <11",
        bars=[Bar("Nghệ An", 300, "300", target=400), Bar("Hà Tĩnh", None, "<11")],
    )
    root = ElementTree.fromstring(  # noqa: S314 - our own output
        str(svg)
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "by-province-title by-province-desc"
    assert root.findtext(f"{SVG}title") == "Trainees by province"
    assert root.findtext(f"{SVG}desc") == "Nghệ An 300, Hà Tĩnh <11"
    texts = [node.text for node in root.iter(f"{SVG}text")]
    assert texts == ["Nghệ An", "300", "Hà Tĩnh", "<11"]
    # The hidden count draws an empty bar: its length would give the number away.
    widths = [float(rect.get("width", "-1")) for rect in root.iter(f"{SVG}rect")]
    assert 0.0 in widths


def test_labels_are_escaped() -> None:
    svg = column_chart(
        ident="t", title="<b>", description="d", bars=[Bar("Q1 & Q2", 3, "3", target=5)]
    )
    assert "<b>" not in str(svg) and "Q1 &amp; Q2" in str(svg)
    ElementTree.fromstring(  # noqa: S314 - our own output
        str(svg)
    )


def test_empty_chart_still_renders() -> None:
    ElementTree.fromstring(  # noqa: S314 - our own output
        str(bar_chart(ident="e", title="t", description="d", bars=[]))
    )
