from donghanh.content.markup import markdown_plain_text, render_markdown


def test_raw_html_from_authors_is_shown_as_text() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_only_safe_link_schemes_survive() -> None:
    html = render_markdown("[gọi](tel:111) [web](https://example.org) [x](javascript:alert(1))")
    assert 'href="tel:111"' in html and 'href="https://example.org"' in html
    assert "javascript:" not in html.split("[x]")[0] and 'href="javascript' not in html


def test_the_title_stays_the_only_h1() -> None:
    assert render_markdown("# Tiêu đề\n\n## Phần") == "<h2>Tiêu đề</h2>\n<h2>Phần</h2>\n"


def test_plain_text_keeps_words_and_drops_marks_and_addresses() -> None:
    text = markdown_plain_text("## Gọi **111**\n\n- [Tổng đài](https://tongdai111.vn)")
    assert "111" in text and "Tổng đài" in text and "https" not in text and "**" not in text
