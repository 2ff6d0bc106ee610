"""The samplers of the eight document kinds: ``rng -> spec`` with the full text layout.

Each spec holds the page (size, background, shapes, lines with every word's box) and the
facts the questions ask about: ``title``, ``items`` (name, value), ``fields`` (author,
venue, ...), ``date``, and how questions name things (``doc``, ``title_phrase``, nouns).
"""
from __future__ import annotations

import numpy as np

from generators.textrich.content import (BIRTH_YEARS, FAMILIES, PROVISIONAL_HEIGHT, background, bold, date_text, money,
                                          person, price, theme, vocab)
from generators.textrich.layout import Flow, Page, fit_size, make_line, rotate_points, shift_line, text_width
from mmsynth.rand import pick, pick_n, randint, uniform


def _facts(doc: str, title: str, title_phrase: str, noun: tuple[str, str] = ("item", "items"),
           items: list[dict] | None = None, value_kind: str | None = None, currency: str | None = None,
           fields: dict | None = None, date: str | None = None, columns: int = 1) -> dict:
    return {"doc": doc, "title": title, "title_phrase": title_phrase, "item_noun": list(noun),
            "items": items or [], "value_kind": value_kind, "currency": currency,
            "fields": fields or {}, "date": date, "columns": columns}


def _finish(kind: str, page: Page, height: float, facts: dict) -> dict:
    page.height = int(height)
    return {"kind": kind, **page.spec(), **facts}


def receipt(rng: np.random.Generator) -> dict:
    v = vocab()
    th = theme(rng, light=True)
    page = Page(randint(rng, 300, 400), PROVISIONAL_HEIGHT, background(rng, th, 0.2))
    fam = pick(rng, ["mono", "mono", "sans"])
    size = randint(rng, 14, 17)
    cur = pick(rng, v["currencies"])
    flow = Flow(page, randint(rng, 16, 26), randint(rng, 14, 24))
    kind = v["shop_kinds"][pick(rng, sorted(v["shop_kinds"]))]
    shop = pick(rng, kind["shops"])
    flow.line(shop, bold(fam), randint(rng, 20, 26), th["text"], "title", "center")
    flow.line(f"{randint(rng, 1, 250)} {pick(rng, v['streets'])}", fam, size, th["text"], "address", "center")
    date = date_text(rng)
    flow.line(f"Date: {date}", fam, size, th["text"], "date", "left", key="date", gap=0.8)
    n_items = len(kind["items"])  # a till strip as long as the shop's range allows: up to 21 lines
    names = pick_n(rng, list(kind["items"]), randint(rng, min(6, n_items), min(16, n_items)))
    items = [{"name": n, "value": price(rng, *kind["items"][n])} for n in names]
    _rule(page, flow, th["text"])
    for it in items:
        flow.row(it["name"], money(it["value"], cur), fam, size, th["text"], "item")
    _rule(page, flow, th["text"])
    total = round(sum(it["value"] for it in items), 2)
    flow.row("TOTAL", money(total, cur), bold(fam), size + 1, th["text"], "total", gap=1.0)
    flow.line(pick(rng, v["receipt_footers"]), fam, size, th["text"], "footer", "center")
    facts = _facts("receipt", shop, "the name of the shop", ("item", "items"), items, "price", cur, date=date)
    return _finish("receipt", page, flow.y + flow.margin, facts)


def _rule(page: Page, flow: Flow, color: tuple) -> None:
    y = int(flow.y) + 4
    page.shape("line", points=[[flow.margin, y], [page.width - flow.margin, y]], fill=list(color), width=1)
    flow.skip(12)


def menu(rng: np.random.Generator) -> dict:
    """One column of sections, or (wide menus with two sections) two columns side by side."""
    v = vocab()
    th = theme(rng)
    sections = pick_n(rng, list(v["menu_sections"]), randint(rng, 1, 2))
    two_columns = len(sections) == 2 and rng.random() < 0.5
    page = Page(randint(rng, 640, 760) if two_columns else randint(rng, 460, 640), PROVISIONAL_HEIGHT,
                background(rng, th))
    fam, head = pick(rng, FAMILIES), pick(rng, ["serif", "stix", "sans"])
    size = randint(rng, 15, 19)
    cur = pick(rng, v["currencies"])
    flow = Flow(page, randint(rng, 24, 40), randint(rng, 20, 34))
    name = pick(rng, v["restaurants"])
    flow.line(name, bold(head), randint(rng, 28, 38), th["accent"], "title", "center", gap=0.8)
    items, columns = [], [flow]
    if two_columns:
        mid, gutter = page.width / 2, 24
        columns = [Flow(page, flow.margin, int(flow.y), x1=mid - gutter), Flow(page, flow.margin, int(flow.y),
                                                                           x0=mid + gutter)]
    for k, section in enumerate(sections):
        col = columns[k % len(columns)]
        col.line(section.upper(), bold(fam), size + 2, th["accent"], "section", "left", gap=0.5)
        dishes = v["menu_sections"][section]
        for dish in pick_n(rng, list(dishes), randint(rng, 2, 4)):
            it = {"name": dish, "value": price(rng, *dishes[dish], cents=False)}
            items.append(it)
            col.row(dish, money(it["value"], cur, cents=False), fam, size, th["text"], "item")
        col.skip(size * 0.6)
    flow.y = max(c.y for c in columns)
    flow.line(pick(rng, v["menu_footers"]), fam + "-italic" if fam in ("sans", "serif") else fam,
              size - 2, th["text"], "footer", "center")
    page.shape("rect", box=[8, 8, page.width - 8, int(flow.y + flow.margin) - 8], outline=list(th["accent"]),
               width=2, radius=6)
    facts = _facts("menu", name, "the name of the restaurant", ("dish", "dishes"), items, "price", cur,
                   columns=len(columns))
    return _finish("menu", page, flow.y + flow.margin, facts)


def _themed_page(rng: np.random.Generator, width: tuple[int, int], gradient_share: float,
                 margin: tuple[int, int], top: tuple[int, int]) -> tuple[dict, Page, str, Flow]:
    """A theme, a page of a random width, a font family and a flow with random margins."""
    th = theme(rng)
    page = Page(randint(rng, *width), PROVISIONAL_HEIGHT, background(rng, th, gradient_share))
    fam = pick(rng, FAMILIES)
    return th, page, fam, Flow(page, randint(rng, *margin), randint(rng, *top))


def poster(rng: np.random.Generator) -> dict:
    v = vocab()
    th, page, fam, flow = _themed_page(rng, (420, 560), 0.6, (24, 40), (30, 60))
    title = f"{pick(rng, v['event_adjectives'])} {pick(rng, v['events'])}"
    angle = uniform(rng, -7, 7) if rng.random() < 0.5 else 0.0
    flow.line(title, bold(pick(rng, FAMILIES)), randint(rng, 32, 44), th["accent"], "title", "center",
              angle=angle, gap=0.9)
    date, time, venue = date_text(rng), pick(rng, v["times"]), pick(rng, v["venues"])
    size = randint(rng, 18, 24)
    flow.line(date, bold(fam), size + 4, th["text"], "date", "center", key="date")
    flow.line(f"Doors open {time}", fam, size, th["text"], "time", "center", key="time")
    flow.line(venue, fam, size, th["text"], "venue", "center", key="venue", gap=1.2)
    tagline = pick(rng, v["poster_taglines"])
    flow.line(tagline, fam, size - 2, th["accent"], "tagline", "center", key="tagline")
    height = flow.y + flow.margin + 20
    for _ in range(randint(rng, 0, 3)):  # decorative discs in the margins, behind the text
        r = randint(rng, 10, 30)
        cx = pick(rng, [r + 4, page.width - r - 4])
        cy = randint(rng, r, int(height) - r)
        page.shape("ellipse", box=[cx - r, cy - r, cx + r, cy + r], fill=list(th["panel"]))
    facts = _facts("poster", title, "the name of the event", fields={"time": time, "venue": venue,
                   "tagline": tagline}, date=date)
    return _finish("poster", page, height, facts)


def book_cover(rng: np.random.Generator) -> dict:
    v = vocab()
    th = theme(rng)
    width = randint(rng, 340, 440)
    page = Page(width, PROVISIONAL_HEIGHT, background(rng, th, 0.5))
    fam = pick(rng, ["serif", "stix", "sans"])
    flow = Flow(page, randint(rng, 24, 36), randint(rng, 24, 40))
    tagline = pick(rng, v["book_taglines"])
    flow.line(tagline, fam + "-italic" if fam != "stix" else fam, randint(rng, 13, 16), th["text"], "tagline",
              "center", key="tagline", gap=1.5)
    title = f"{'The ' if rng.random() < 0.5 else ''}{pick(rng, v['book_words'])} {pick(rng, v['book_nouns'])}"
    flow.line(title, bold(fam), randint(rng, 34, 46), th["accent"], "title", "center", gap=0.6)
    flow.line(pick(rng, v["book_subtitles"]), fam, randint(rng, 16, 20), th["text"], "subtitle", "center")
    height = max(int(width * 1.5), int(flow.y) + 140)
    band_top = int(flow.y) + (height - int(flow.y) - 110) // 2
    page.shape("rect", box=[0, band_top, width, band_top + 6], fill=list(th["accent"]))
    author, publisher = person(rng), pick(rng, v["publishers"])
    flow.y = height - 100
    flow.line(author.upper() if rng.random() < 0.4 else author, bold(fam), randint(rng, 20, 26), th["text"],
              "author", "center", key="author", gap=0.8)
    flow.line(publisher, fam, randint(rng, 12, 14), th["text"], "publisher", "center", key="publisher")
    facts = _facts("book cover", title, "the title of the book", fields={"author": _line_text(page, "author"),
                   "publisher": publisher, "tagline": tagline})
    return _finish("book_cover", page, height, facts)


def _line_text(page: Page, role: str) -> str:
    return next(ln["text"] for ln in page.lines if ln["role"] == role)


def street_sign(rng: np.random.Generator) -> dict:
    """A signpost: a street-name plate over 2-5 direction plates (arrow, place, distance)."""
    v = vocab()
    plate = pick(rng, [(0, 100, 60), (20, 60, 140), (110, 60, 30), (245, 245, 245)])
    ink = (250, 250, 250) if sum(plate) < 500 else (20, 20, 20)
    page = Page(randint(rng, 400, 520), PROVISIONAL_HEIGHT, background(rng, theme(rng, light=True), 0.7))
    fam = pick(rng, ["sans", "sans-bold", "serif", "mono-bold"])
    size = randint(rng, 18, 24)
    pole_x = page.width // 2
    page.shape("rect", box=[pole_x - 6, 0, pole_x + 6, 2000], fill=[110, 110, 115])
    street = pick(rng, v["streets"])
    y = 20
    places = pick_n(rng, v["places"], randint(rng, 2, 5))
    items = []
    for i, name in enumerate([street] + places):
        is_street = i == 0
        direction = None if is_street else pick(rng, ["left", "right"])
        if is_street:
            text = street
        else:
            km = round(uniform(rng, 0.2, 9.9), 1)
            items.append({"name": name, "value": km, "direction": direction})
            text = f"{name} {km} km"
        angle = uniform(rng, -4, 4) if rng.random() < 0.5 else 0.0
        pad = 14 if is_street else 40
        s = fit_size(text, fam, size + (4 if is_street else 0), page.width - 2 * pad - 50)
        line = make_line(text, page.width / 2, 0, fam, s, ink, "title" if is_street else "item", "center", angle)
        line = page.add(shift_line(line, 0, y + 12 - line["box"][1]))
        _plate(page, line, plate, direction, pad)
        y = int(line["box"][3]) + 26
    page.shapes.sort(key=lambda s: s.get("layer", 0))
    facts = _facts("street sign", street, "the street name", ("destination", "destinations"), items, "distance")
    return _finish("street_sign", page, y + 40, facts)


def _plate(page: Page, line: dict, color: tuple, direction: str | None, pad: float) -> None:
    """A (possibly tilted) plate behind ``line``, pointed on the side of its arrow."""
    x0, x1 = line["words"][0]["xy"][0] - pad, line["words"][0]["xy"][0] + text_width(
        line["text"], line["font"], line["size"]) + pad
    base = line["words"][0]["xy"][1]
    top, bottom = base - line["size"] - 8, base + line["size"] * 0.45 + 8
    origin = tuple(line["words"][0]["xy"])
    if direction == "left":
        pts = [(x0 - 20, (top + bottom) / 2), (x0, top), (x1, top), (x1, bottom), (x0, bottom)]
    elif direction == "right":
        pts = [(x0, top), (x1, top), (x1 + 20, (top + bottom) / 2), (x1, bottom), (x0, bottom)]
    else:
        pts = [(x0, top), (x1, top), (x1, bottom), (x0, bottom)]
    page.shape("polygon", points=rotate_points(pts, origin, line["angle"]), fill=list(color), layer=1)


def slide(rng: np.random.Generator) -> dict:
    v = vocab()
    th = theme(rng)
    width = randint(rng, 640, 800)
    page = Page(width, PROVISIONAL_HEIGHT, background(rng, th, 0.3))
    fam = pick(rng, ["sans", "sans", "serif", "stix"])
    topic = pick(rng, list(v["slide_topics"]))
    bar = randint(rng, 64, 84)
    page.shape("rect", box=[0, 0, width, bar], fill=list(th["panel"]))
    title_size = randint(rng, 28, 36)
    title = make_line(topic, 32, 0, bold(fam), title_size, th["accent"], "title")
    page.add(shift_line(title, 0, (bar - (title["box"][3] - title["box"][1])) / 2 - title["box"][1]))
    flow = Flow(page, 40, bar + randint(rng, 22, 36))
    size = randint(rng, 19, 24)
    bullets = pick_n(rng, v["slide_topics"][topic], randint(rng, 3, 5))
    for b in bullets:
        line = flow.line(b, fam, size, th["text"], "item", "left", indent=26, gap=0.8)
        cy = (line["box"][1] + line["box"][3]) / 2
        page.shape("ellipse", box=[flow.margin + 4, cy - 5, flow.margin + 14, cy + 5], fill=list(th["accent"]))
    height = max(int(width * 9 / 16), int(flow.y) + 60)
    presenter, date, number = person(rng), date_text(rng), str(randint(rng, 2, 40))
    small = randint(rng, 13, 15)
    role = pick(rng, v["presenter_roles"])
    base = height - 18
    page.add(make_line(f"{role}: {presenter}" if role != "Presented by" else f"{role} {presenter}", 24, base, fam,
                       small, th["text"], "presenter", key="presenter"))
    page.add(make_line(date, width / 2 + 60, base, fam, small, th["text"], "date", "center", key="date"))
    page.add(make_line(number, width - 24, base, fam, small, th["text"], "slide_number", "right",
                       key="slide_number"))
    facts = _facts("slide", topic, "the title of the slide", ("bullet point", "bullet points"),
                   [{"name": b, "value": None} for b in bullets],
                   fields={"presenter": presenter, "slide_number": number}, date=date)
    return _finish("slide", page, height, facts)


def form(rng: np.random.Generator) -> dict:
    v = vocab()
    th = theme(rng, light=True)
    page = Page(randint(rng, 480, 600), PROVISIONAL_HEIGHT, background(rng, th, 0.2))
    fam, ink_fam = pick(rng, ["sans", "serif"]), pick(rng, ["serif-italic", "sans-italic", "stix", "mono"])
    size = randint(rng, 15, 18)
    flow = Flow(page, randint(rng, 26, 40), randint(rng, 22, 34))
    title = pick(rng, v["form_titles"])
    flow.line(title, bold(fam), randint(rng, 24, 30), th["accent"], "title", "center", gap=1.0)
    name = person(rng)
    first, last = name.split()
    values = {"name": name, "birth": date_text(rng, BIRTH_YEARS), "phone": f"555-{randint(rng, 100, 999)}-{randint(rng, 1000, 9999)}",
              "email": f"{first.lower()}.{last.lower()}@{pick(rng, v['email_domains'])}",
              "city": pick(rng, v["cities"]), "member": f"M-{randint(rng, 10000, 99999)}"}
    keys = ["name"] + pick_n(rng, [k for k in v["form_fields"] if k != "name"], randint(rng, 3, 5))
    label_w = max(text_width(v["form_fields"][k] + ":", bold(fam), size) for k in keys) + 16
    ink = pick(rng, [(20, 40, 140), (30, 30, 30), (120, 20, 20)])
    for k in keys:
        base = flow.y + size + 6
        page.add(make_line(v["form_fields"][k] + ":", flow.margin, base, bold(fam), size, th["text"], "label"))
        x = flow.margin + label_w
        page.shape("rect", box=[int(x - 6), int(base - size - 6), page.width - flow.margin,
                                int(base + size * 0.45 + 6)], outline=list(th["text"]), width=1)
        vsize = fit_size(values[k], ink_fam, size + 1, page.width - flow.margin - x - 8)
        page.add(make_line(values[k], x, base, ink_fam, vsize, ink, "value", key=k))
        flow.y = base + size * 0.45 + 20
    flow.skip(10)
    date = date_text(rng)
    flow.line(f"Signed on {date}", fam, size - 1, th["text"], "date", "right", key="date")
    facts = _facts("form", title, "the title of the form", fields={k: values[k] for k in keys}, date=date)
    return _finish("form", page, flow.y + flow.margin, facts)


def product_label(rng: np.random.Generator) -> dict:
    v = vocab()
    th, page, fam, flow = _themed_page(rng, (400, 500), 0.5, (22, 32), (22, 34))
    brand, product = pick(rng, v["brands"]), pick(rng, sorted(v["products"]))
    flow.line(brand.upper(), fam, randint(rng, 14, 17), th["text"], "brand", "left", key="brand")
    flow.line(product, bold(pick(rng, FAMILIES)), randint(rng, 30, 40), th["accent"], "title", "left", gap=0.6)
    weight = pick(rng, v["weights"])
    size = randint(rng, 14, 17)
    flow.line(f"Net Wt {weight}", fam, size, th["text"], "weight", "left", key="weight", gap=1.0)
    made_of = v["products"][product]   # main ingredient first, the rest in label order
    extra = made_of[1:]
    k = randint(rng, min(2, len(extra)), min(5, len(extra)))
    ingredients = made_of[:1] + (sorted(pick_n(rng, extra, k), key=made_of.index) if k else [])
    _wrapped(flow, "Ingredients: " + ", ".join(ingredients) + ".", fam, size, th["text"], "ingredients")
    flow.skip(8)
    best = date_text(rng)
    flow.line(f"Best before {best}", fam, size, th["text"], "date", "left", key="date")
    cur = pick(rng, v["currencies"])
    cost = money(price(rng, 1.5, 9.9), cur)
    flow.line(cost, bold(fam), size + 10, th["accent"], "price", "right", key="price")
    fields = {"brand": brand.upper(), "weight": weight, "price": cost}
    if rng.random() < 0.6:  # a tilted badge in the top-right corner, if it clears the text
        badge, size, angle = pick(rng, v["badges"]), randint(rng, 15, 18), uniform(rng, 12, 28)
        line = make_line(badge, page.width - 70, 60, "sans-bold", size, th["background"], "badge", "center",
                         angle, key="badge")
        if not page.fits(line, pad=16):  # tilted words of a phrase may touch: try it flatter
            line = make_line(badge, page.width - 70, 60, "sans-bold", size, th["background"], "badge", "center",
                             angle / 3, key="badge")
        if page.fits(line, pad=16):
            b = line["box"]
            page.shape("ellipse", box=[b[0] - 12, b[1] - 14, b[2] + 12, b[3] + 14], fill=list(th["accent"]))
            page.add(line)
            fields["badge"] = badge
    facts = _facts("product label", product, "the product name", ("ingredient", "ingredients"),
                   [{"name": i, "value": None} for i in ingredients], fields=fields, date=best)
    return _finish("product_label", page, flow.y + flow.margin, facts)


def _wrapped(flow: Flow, text: str, family: str, size: int, color: tuple, role: str) -> None:
    """Greedy word wrap at the flow's width."""
    line: list[str] = []
    for word in text.split():
        if line and text_width(" ".join(line + [word]), family, size) > flow.inner_width:
            flow.line(" ".join(line), family, size, color, role, gap=0.25)
            line = []
        line.append(word)
    flow.line(" ".join(line), family, size, color, role, gap=0.25)
