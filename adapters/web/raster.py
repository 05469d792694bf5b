"""The network picture as PNG: the SVG's geometry drawn with Pillow."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from adapters.web.drawing import HEIGHT, WIDTH, picture
from bot.domain.network import NetworkShape

SCALE = 1.6  # a sharper picture than the page's


def network_png(found: NetworkShape) -> bytes:
    drawn = picture(found)
    legend_h = 40 + 22 * len(drawn.legend)
    image = Image.new("RGB", (int(WIDTH * SCALE), int((HEIGHT + legend_h) * SCALE)), "white")
    draw = ImageDraw.Draw(image)
    small = ImageFont.load_default(size=int(12 * SCALE))
    big = ImageFont.load_default(size=int(14 * SCALE))

    def at(v: float) -> float:
        return v * SCALE

    for s in drawn.segments:
        draw.line(
            (at(s.x1), at(s.y1), at(s.x2), at(s.y2)),
            fill=s.colour,
            width=max(1, round(at(s.width))),
        )
        if s.label:
            draw.text(
                (at((s.x1 + s.x2) / 2), at((s.y1 + s.y2) / 2)),
                s.label,
                fill="#374151",
                font=small,
                anchor="mm",
            )
    for c in drawn.circles:
        box = (at(c.x - c.r), at(c.y - c.r), at(c.x + c.r), at(c.y + c.r))
        draw.ellipse(
            box,
            fill="white" if c.hollow else c.fill,
            outline=c.ring or "white",
            width=max(1, round(at(2.5 if c.ring else 1))),
        )
    for c in drawn.circles:
        if c.label:
            draw.text(
                (at(c.x), at(c.y - c.r - 3)), c.label, fill="#111827", font=small, anchor="ms"
            )
    y = HEIGHT + 30
    for fill, text in drawn.legend:
        box = (at(15), at(y - 12), at(29), at(y + 2))
        if fill.startswith("ring:"):
            draw.ellipse(box, fill="white", outline=fill[5:], width=round(at(2.5)))
        else:
            draw.ellipse(box, fill=fill)
        draw.text((at(36), at(y)), text, fill="#111827", font=big, anchor="ls")
        y += 22
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # speed over a few kilobytes
    return out.getvalue()
