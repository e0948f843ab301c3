"""Terms, comments, authors and the ends of bodies as real saved sites print them, read one page at a time.

The markup is generated (Faker-free short texts written here), modeled on what the real pages show: a
Customizr WordPress post that links its categories without ``rel="tag"``, a custom WordPress theme whose only
category list is the Breadcrumb NavXT trail, a DataLife Engine full story (speedbar as JSON-LD, ``news_keywords``,
the engine's ``comment-id``/``comm-id`` wrappers), a Blogger post whose captions stand in the editor's separator
blocks, a paper archive that prints the author as the text's first bold line, and editors' stray markup
(``<span> </span>`` between words, an ad list mid-text, a heading over a video at the end).
"""
from __future__ import annotations

import json

import pytest

from migrator.extract import extract
from migrator.mapping import load_config

CONFIG = load_config(timezone="Europe/Moscow")
TEXT = ("<p>The first paragraph of the post says what happened at the tournament this week in some detail.</p>"
        "<p>The second paragraph gives the results of every match and the names of all the players.</p>")


def _wordpress(article: str, before: str = "") -> str:
    return ("<!DOCTYPE html><html><head><meta name='generator' content='WordPress 4.7.3'>"
            "<link rel='stylesheet' href='/wp-content/themes/x/style.css'><title>A post</title></head>"
            "<body class='post-template-default single single-post postid-601 single-format-standard'>"
            f"<main>{before}{article}</main><aside class='widget'><a href='/category/other/'>Other</a></aside>"
            "</body></html>")


def test_wordpress_categories_linked_by_the_theme_without_rel_tag() -> None:
    """Customizr prints ``a.tax__link`` to each category archive above the title: the post's classes name them."""
    html = _wordpress(
        "<article id='post-601' class='post-601 post type-post hentry category-computer-society category-events'>"
        "<header><div class='tax__container entry-meta'><a class='tax__link' href='/category/computer-society/'>"
        "<span>Computer Society</span></a> <a class='tax__link' href='/category/events/'>Events</a></div>"
        "<h1 class='entry-title'>A post</h1></header><div class='entry-content'>" + TEXT +
        "<p>All about it: <a href='/category/events/'>every event we held</a>.</p></div></article>",
        before="<nav class='breadcrumbs'><a href='/'>Home</a> » <a href='/category/news/'>News</a> » "
               "<a href='/category/events/'>Events</a> » A post</nav>")
    article = extract("http://b.test/2013/04/22/a-post/", html, CONFIG).article
    assert article is not None
    # the post's own list wins over the breadcrumb (which adds the parent "News"); the in-text link names nothing
    assert article.tags == ["Computer Society", "Events"]


def test_wordpress_breadcrumb_trail_is_the_category_list_when_the_post_prints_none() -> None:
    crumbs = ("<div class='breadcrumbs' xmlns:v='http://rdf.data-vocabulary.org/#'><span typeof='v:Breadcrumb'>"
              "<a rel='v:url' property='v:title' href='/' class='home'>Site</a></span> &gt; <span typeof='v:Breadcrumb'>"
              "<a rel='v:url' property='v:title' href='/category/majors/' class='taxonomy category'>Majors</a></span> &gt; "
              "<span typeof='v:Breadcrumb'><a rel='v:url' property='v:title' href='/category/majors/news-mlg/' "
              "class='taxonomy category'>News</a></span> &gt; <span typeof='v:Breadcrumb'><span property='v:title'>"
              "A post</span></span></div>")
    html = _wordpress(
        "<article id='post-4805' class='post-4805 post type-post hentry category-news-mlg tag-kinguin'>"
        "<h1 class='entry-title'>A post</h1><div class='entry-content'>" + TEXT +
        "<footer class='entry-meta'><span class='tag-links'><a href='/tag/kinguin/' rel='tag'>Kinguin</a></span>"
        "</footer></div></article>", before=crumbs)
    article = extract("http://b.test/a-post/", html, CONFIG).article
    assert article is not None and sorted(article.tags) == ["Kinguin", "Majors", "News"]


def test_wordpress_mid_text_ad_list_leaves_the_last_heading_and_cackle_comments_count() -> None:
    """An ad list inside the text goes; the heading over the closing video is the text's, not the list's. The
    Cackle plugin prints its comments server-side as ``li.comment`` (replies nested)."""
    ads = ("<div class='ads-block-inside'><div class='head'>Read also</div><ul><li><a href='/x/'>Another post title"
           "</a></li><li><a href='/y/'>Yet another post title</a></li></ul></div>")
    comments = ("<ul id='cackle-comments'><li class='comment depth-1' id='cackle-comment-1'><cite><span>Dima</span>"
                "</cite><div class='cackle-comment-message'><p>Where is the file?</p></div><ul class='children'>"
                "<li class='comment depth-2' id='cackle-comment-2'><cite><span>Skyer</span></cite>"
                "<div class='cackle-comment-message'><p>In the cfg folder.</p></div></li></ul></li></ul>")
    html = _wordpress(
        "<article id='post-9' class='post-9 post type-post hentry category-news'><h1 class='entry-title'>A post</h1>"
        "<div class='entry-content'>" + TEXT + ads + "<p>The lineup of the team follows here in full.</p>"
        "<h3>Trailer of the event</h3><p><iframe src='//www.youtube.com/embed/x'></iframe></p>"
        "<div class='yandex-share'></div></div></article>" + comments)
    article = extract("http://b.test/a-post/", html, CONFIG).article
    assert article is not None
    assert article.body_text.endswith("The lineup of the team follows here in full.\n\nTrailer of the event")
    assert "Another post title" not in article.body_text
    assert [c.author for c in article.comments] == ["Dima", "Skyer"]


def _dle(crumbs: list[tuple[str, str]], keywords: str, comments: str) -> str:
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n + 1, "item": {"@id": href, "name": name}}
        for n, (name, href) in enumerate(crumbs)]}]}
    return ("<!DOCTYPE html><html><head><meta name='generator' content='DataLife Engine (https://dle-news.ru)'>"
            f"<title>{crumbs[-1][0]} » Site - News</title><meta name='news_keywords' content='{keywords}'>"
            "<script>var dle_root = '/';</script></head><body><div class='post-single'><div class='post-single-content'>"
            f"<a href='3d/students/index.html' class='categorie'>{crumbs[-2][0]}</a><h4>{crumbs[-1][0]}</h4>"
            "<ul class='list-inline'><li><a href='user/admin/index.html'>admin</a></li><li>13-апр-2023, 16:25</li>"
            "</ul></div><div class='post-single-body'>" + TEXT * 3 + "</div></div><div class='widget'><ul "
            "class='widget-comments'><form method='post' name='dlemasscomments' id='dlemasscomments'>"
            f"<div id='dle-comments-list'>{comments}</div></form></ul></div>"
            f"<script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script></body></html>")


_DLE_COMMENT = ("<div id='comment-id-{n}'><li class='comment-item'><img src='noavatar.png' alt='{who}'><div "
                "class='content'><ul class='info list-inline'><li>{who}</li><li class='dot'></li><li> {when}</li></ul>"
                "<div class='full-comment'><div id='comm-id-{n}'><p>{text}</p></div></div><div class='com_btn'><a "
                "onmouseover=\"dle_copy_quote('{who}', '1681534854', ''); return false;\" href='#'>Reply</a></div>"
                "</div></li></div>")


def test_dle_full_story_category_tags_and_comments() -> None:
    comments = (_DLE_COMMENT.format(n=2, who="Diyorbek", when="15-апр-2023, 10:00", text="So cool.")
                + _DLE_COMMENT.format(n=14, who="Nurmuhammad", when="06-май-2023, 19:13", text="Where is the file?"))
    html = _dle([("Site", "https://s.test/"), ("3D", "https://s.test/3d/"), ("Students", "https://s.test/3d/students/"),
                 ("A story", "https://s.test/13-a-story.html")], "Wi-Fi Mesh, routers", comments)
    article = extract("http://127.0.0.1:8000/13-a-story.html", html, load_config(timezone="Asia/Tashkent")).article
    assert article is not None
    assert article.tags == ["Students", "Wi-Fi Mesh", "routers"]  # the story's own category, not its parent
    assert [(c.author, c.published_at, c.body_text) for c in article.comments] == [
        ("Diyorbek", "2023-04-15T10:00:00+05:00", "So cool."),
        ("Nurmuhammad", "2023-05-06T19:13:00+05:00", "Where is the file?")]
    assert "So cool" not in article.body_text


def test_dle_story_without_a_category_step_names_none() -> None:
    html = _dle([("Site", "https://s.test/"), ("A story", "https://s.test/13-a-story.html")], "", "")
    article = extract("http://127.0.0.1:8000/13-a-story.html", html, CONFIG).article
    assert article is not None and article.tags == [] and article.comments == []


def test_blogger_captions_in_the_editors_separator_blocks_are_text() -> None:
    from tests.sites.platforms import Entry, blogger_post

    post = Entry("/2011/11/academy.html", "Academy", ["PLACEHOLDER"], "2011-11-13T12:44:00+01:00", "Jorge")
    separators = ("<div class='separator' style='clear: both; text-align: center;'><a href='http://1.bp.test/a.jpg'>"
                  "<img src='http://1.bp.test/a.jpg'></a>this is the end</div><br />"
                  "<div class='separator' style='clear: both; text-align: center;'><a href='http://1.bp.test/b.jpg'>"
                  "<img src='http://1.bp.test/b.jpg'></a>the boss in the lift</div>")
    html = blogger_post(post, "3706").replace("PLACEHOLDER", "").replace(
        "<div style='clear: both;'></div>", separators + "<div style='clear: both;'></div>")
    article = extract("http://b.test" + post.path, html, CONFIG).article
    assert article is not None
    assert article.body_text.split("\n")[0] == "this is the end" and article.body_text.endswith("the boss in the lift")
    assert len(article.images) == 2


@pytest.mark.parametrize(("opening", "author"), [
    ("<b>Грешнов Е.В.</b><br><i>Сибирский университет потребительской кооперации</i><br>", "Грешнов Е.В."),
    ("<p><b>Юдина Н. А.</b></p><p><i>Сибирский университет</i></p>", "Юдина Н. А."),
    ("<b>Е.В. Яблонских</b><br>", "Е.В. Яблонских"),
    ("<b>Важно.</b> ", None),  # a bold lead-in of the text, no name
    ("<b>Конференция 2017 года</b><br>", None),
])
def test_paper_author_printed_as_the_texts_first_bold_line(opening: str, author: str | None) -> None:
    text = ("В статье рассматриваются основные положения, касающиеся актуальности брендинга в современных рыночных "
            "условиях, связи брендинга с маркетингом и его роли в работе предприятия. ") * 4
    html = ("<html><head><title>Брендинг</title></head><body><div id='menu'><a href='/'>Главная</a></div>"
            f"<article><h1>Брендинг</h1><div class='entry-content'>{opening}{text}</div></article></body></html>")
    article = extract("http://cpr.test/load/14-1-0-23.html", html, CONFIG).article
    assert article is not None and article.author == author


def test_words_either_side_of_an_emptied_span_stay_apart() -> None:
    html = _wordpress(
        "<article id='post-3' class='post-3 post type-post hentry'><h1 class='entry-title'>A post</h1>"
        "<div class='entry-content'>" + TEXT + "<ul><li><a href='https://onlinesim.test/'>OnlineSIM</a><span> </span>"
        "— a service that gives numbers for SMS.</li><li>Owners of such laptops<span> </span><a href='/x'>meet a "
        "problem</a><span> </span>when installing Windows.</li></ul></div></article>")
    article = extract("http://b.test/a-post/", html, CONFIG).article
    assert article is not None
    assert "OnlineSIM — a service" in article.body_text
    assert "Owners of such laptops meet a problem when installing Windows." in article.body_text


def test_title_the_breadcrumb_names_beats_an_seo_title() -> None:
    """DLE's ``metatitle`` gives ``<title>`` and ``og:title`` another text; the speedbar's step for the story
    itself names the heading the story prints (and a bold phrase of the text that repeats the SEO title is none)."""
    html = _dle([("Site", "https://s.test/"), ("Phones", "https://s.test/phones/"),
                 ("Release of the global Xiaomi 13", "https://s.test/6-release.html")], "Xiaomi 13", "")
    html = html.replace("<title>Release of the global Xiaomi 13 » Site - News</title>",
                        "<title>Xiaomi 13</title><meta property='og:title' content='Xiaomi 13'>")
    html = html.replace("<div class='post-single-body'>", "<div class='post-single-body'><p>The <b>Xiaomi 13</b> "
                        "is out in Europe.</p>")
    article = extract("http://127.0.0.1:8000/6-release.html", html, CONFIG).article
    assert article is not None and article.title == "Release of the global Xiaomi 13"
