"""A WordPress blog in the markup of a WooThemes theme (Hustle 1.3.9, WooFramework 6.2.0, as the HTTrack copy of
a real guide's site prints it): the blog is a static page on the theme's ``template-blog.php`` (body ``page
page-id-N page-template-template-blog``, ``paged`` from page 2 on) whose loop prints every post's ``post_class()``
``<article>`` with a ``rel="bookmark"`` title, its ``aside.post-meta`` (date printed dd.mm.yyyy, ``rel="author"``,
``rel="category tag"``) and an excerpt; date archives print the same blocks. A post (``single single-post``) prints
its ``<article class="post-N post type-post … hentry">`` with no id, a plain ``<h1>``, ``section.entry`` and
``p.tags`` ("Тэги:") after it. Some posts are one line or a video alone; a static page with text is a page.

Text from Faker; nothing is copied from the real site. ``entries`` are the records wanted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from faker import Faker

_FAKE = Faker("ru_RU")


@dataclass
class Post:
    path: str
    pid: int
    title: str
    paragraphs: list[str]
    printed: str  # dd.mm.yyyy
    category: tuple[str, str]  # slug, name
    tags: list[tuple[str, str]] = field(default_factory=list)
    video: bool = False

    @property
    def published(self) -> str:
        day, month, year = self.printed.split(".")
        return f"{year}-{month}-{day}"


def _meta(post: Post) -> str:
    slug, name = post.category
    return (f"<aside class='post-meta'><ul><li class='post-date'><span class='small'>Опубликовано</span>"
            f"<span>{post.printed}</span></li><li class='post-author'><span class='small'>by</span>"
            f"<a href='/author/admin/' title='Записи admin' rel='author'>admin</a></li><li class='post-category'>"
            f"<span class='small'>&nbsp;в</span><a href='/category/{slug}/' rel='category tag'>{name}</a></li></ul>"
            f"</aside>")


def _excerpt(post: Post) -> str:
    """``wp_trim_excerpt()``: the text's first 55 words, then " [&hellip;]" when there were more."""
    words = " ".join(post.paragraphs).split()
    return " ".join(words[:55]) + (" […]" if len(words) > 55 else "")


def _classes(post: Post) -> str:
    terms = " ".join(f"tag-{slug}" for slug, _ in post.tags)
    return f"post-{post.pid} post type-post status-publish format-standard hentry category-{post.category[0]} {terms}"


_SIDEBAR = ("<aside id='sidebar' class='col-right'><div class='primary'><div class='widget widget_archive'>"
            "<h3>Архивы</h3><ul><li><a href='/2018/03/'>Март 2018</a></li></ul></div>"
            "<div class='widget widget_categories'><h3>Рубрики</h3><ul><li class='cat-item'>"
            "<a href='/category/routes/'>Описания маршрутов</a></li></ul></div></div></aside>")


def _page(title: str, body_class: str, main: str) -> str:
    return ("<!DOCTYPE html><html lang='ru-RU'><head><meta charset='UTF-8' /><title>" + escape(title) + "</title>"
            "<link rel='stylesheet' href='/wp-content/themes/hustle/style.css?ver=4.3.1' />"
            "<meta name='generator' content='WordPress 4.3.1' /><meta name='generator' content='Hustle 1.3.9' />"
            f"</head><body class='{body_class} unknown alt-style-default layout-left-content'><div id='wrapper'>"
            "<header id='header'><hgroup><h1 class='site-title'><a href='/'>К ВЕРШИНАМ!</a></h1></hgroup>"
            "<nav id='navigation'><ul class='nav'><li><a href='/'>Главная</a></li><li><a href='/blog/'>Блог</a></li>"
            "<li><a href='/sample-page/'>Давайте познакомимся</a></li></ul></nav></header>"
            f"<div id='content' class='col-full'>{main}{_SIDEBAR}</div><footer id='footer'><p>К ВЕРШИНАМ! &copy; 2023."
            "</p></footer></div></body></html>")


class HustleBlog:
    """Seven posts (three of one line or a video), the blog page and its page 2, a date archive, a static page."""

    def __init__(self) -> None:
        _FAKE.seed_instance(43)
        routes = ("routes", "Описания маршрутов")
        work = ("moya-rabota", "Моя работа")
        tags = [("ala-archa", "ала-арча"), ("dmitrij-pavlenko", "дмитрий павленко")]
        self.posts = [Post(f"/route-{n}/", 3970 + n, f"Маршрут {n}", [_FAKE.paragraph(nb_sentences=8) for _ in range(3)],
                           "12.06.2023", routes, tags) for n in range(4)]
        self.posts += [Post("/svershilos/", 3304, "Свершилось!", ["А подробности чуть позже…"], "11.07.2018", work,
                            tags[:1]),
                       Post("/nemnozhko-raboty/", 3288, "Немножко работы в связке", ["Славно полазали!!!"], "06.03.2018",
                            work, tags[:1], video=True),
                       Post("/boevye-vospominaniya/", 3290, "Боевые воспоминания", [], "07.03.2018", work, tags,
                            video=True)]
        self.page_text = [_FAKE.paragraph(nb_sentences=5) for _ in range(3)]

    @property
    def entries(self) -> list[str]:
        """The paths that must become records: every post, and the static page."""
        return [p.path for p in self.posts] + ["/sample-page/"]

    def _entry(self, post: Post) -> str:
        video = ("<p><iframe width='500' height='375' src='https://www.youtube.com/embed/x?feature=oembed' "
                 "frameborder='0' allowfullscreen></iframe></p>") if post.video else ""
        text = video + "".join(f"<p>{escape(p)}</p>" for p in post.paragraphs)
        tags = ("<p class='tags'>Тэги: " + ", ".join(f"<a href='/tag/{s}/' rel='tag'>{n}</a>" for s, n in post.tags)
                + "</p>") if post.tags else ""
        return (f"<section id='main' class='col-left'><article class='{_classes(post)}'><header><h1>{escape(post.title)}"
                f"</h1>{_meta(post)}</header><section class='entry fix'>{text}<div class='wp_ya_share'>"
                f"<div id='yashare1'></div><script>var y = new Ya.share({{element: 'yashare1'}});</script></div>"
                f"</section>{tags}</article><nav id='post-entries' class='fix'><div class='nav-prev fl'>"
                f"<a href='/route-0/' rel='prev'>&larr; Маршрут 0</a></div></nav></section>")

    def _loop(self, posts: list[Post], pagination: str, header: str = "") -> str:
        blocks = "".join(
            f"<article class='{_classes(p)}'><header><h1><a href='{p.path}' rel='bookmark' title='{escape(p.title)}'>"
            f"{escape(p.title)}</a></h1>{_meta(p)}</header><section class='entry'>"
            f"<p>{escape(_excerpt(p))}</p></section><footer class='post-more'>"
            f"<span class='comments'><span>Off</span></span><span class='read-more'><a class='button small' "
            f"href='{p.path}'>Продолжить чтение &rarr;</a></span></footer></article>" for p in posts)
        return f"<section id='main' class='col-left'>{header}{blocks}{pagination}</section>"

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        for post in self.posts:
            if path == post.path:
                body = f"single single-post postid-{post.pid} single-format-standard"
                return 200, {}, _page(f"{post.title} | К ВЕРШИНАМ!", body, self._entry(post))
        template = "page page-id-1380 page-template page-template-template-blog page-template-template-blog-php"
        if path == "/blog/":
            pages = "<nav class='pagination woo-pagination'><a class='page-numbers' href='/blog/page/2/'>2</a></nav>"
            return 200, {}, _page("Блог | К ВЕРШИНАМ!", template, self._loop(self.posts[:4], pages))
        if path == "/blog/page/2/":
            pages = "<nav class='pagination woo-pagination'><a class='page-numbers' href='/blog/'>1</a></nav>"
            return 200, {}, _page("Блог | К ВЕРШИНАМ! | Page 2", f"paged {template} paged-2 page-paged-2",
                                  self._loop(self.posts[4:], pages))
        if path == "/2018/03/":
            header = "<header class='archive-header'><h1>Архив | Март, 2018</h1></header>"
            return 200, {}, _page("Март | 2018 | К ВЕРШИНАМ!", "archive date",
                                  self._loop(self.posts[5:], "", header))
        if path == "/sample-page/":
            text = "".join(f"<p>{escape(p)}</p>" for p in self.page_text)
            main = (f"<section id='main' class='col-left'><article class='post-2595 page type-page status-publish "
                    f"hentry'><header><h1>Давайте познакомимся</h1></header><section class='entry'>{text}</section>"
                    f"</article></section>")
            return 200, {}, _page("Давайте познакомимся | К ВЕРШИНАМ!", "page page-id-2595 page-template-default", main)
        if path == "/":
            main = ("<section id='main' class='col-full fullwidth'><div class='adspace-widget widget'>"
                    "<a href='/blog/'><img src='/wp-content/uploads/2017/09/shablon3.jpg' alt='' /></a></div></section>")
            return 200, {}, _page("К ВЕРШИНАМ!", "home blog", main)
        return 404, {}, "<html><body>Not found</body></html>"
