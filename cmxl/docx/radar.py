"""The radar of a person report (测评级别 against 岗位标准级别), drawn as a template and updated per
person.

Everything but the two lines — the rings, spokes, the competency names, the level names and the
legend — is the same on every page of a report: it is drawn once (per process and model) and kept
as a pixel buffer; a person's radar restores that buffer and draws only their two lines and the
fill over it (about 1 ms, where drawing the whole figure with its CJK text took about 0.35 s). The
PNG is palette-coloured (a fixed palette taken once from a drawn radar): a third of the size of a
full-colour one, and quicker to write.

Items run clockwise from the top, as in the radar chart of the results workbook (Excel's)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

WIDTH_IN, HEIGHT_IN, DPI = 5.0, 4.4, 120
ASSESSED, STANDARD, PREVIOUS = "#2E75B6", "#C00000", "#7F7F7F"


class Radar:
    def __init__(self, labels: Sequence[str], level_names: Sequence[str], font: str, previous: bool = False) -> None:
        """`previous`: the radars show the previous cycle too (a grey dashed line, drawn under
        the current one, and in the legend); a person with no earlier cycle has no such line."""
        import matplotlib

        matplotlib.use("Agg")
        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.np = np
        n, top = len(labels), len(level_names)
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        self.canvas = FigureCanvasAgg(fig)
        ax = fig.add_subplot(111, polar=True)
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        self.theta = np.concatenate([angles, angles[:1]])
        flat = np.ones(n + 1)
        self.previous = None
        if previous:
            (self.previous,) = ax.plot(
                self.theta, flat, color=PREVIOUS, linewidth=1.5, linestyle="--", label="上期级别", animated=True
            )
        (self.standard,) = ax.plot(self.theta, flat, color=STANDARD, linewidth=2, label="岗位标准级别", animated=True)
        (self.assessed,) = ax.plot(
            self.theta, flat, color=ASSESSED, linewidth=2, marker="o", markersize=5, label="测评级别", animated=True
        )
        (self.fill,) = ax.fill(self.theta, flat, color=ASSESSED, alpha=0.12, animated=True)
        ax.set_xticks(angles)
        ax.set_xticklabels(labels, fontsize=7.5, fontfamily=font)
        for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
            across = math.sin(angle)  # clockwise from the top: right of centre is positive
            label.set_horizontalalignment("left" if across > 0.1 else "right" if across < -0.1 else "center")
        ax.tick_params(axis="x", pad=3)
        ax.set_ylim(0, top)
        ax.set_yticks(range(1, top + 1))
        ax.set_yticklabels(level_names, fontsize=6, fontfamily=font, color="#7F7F7F")
        ax.set_rlabel_position(360 / n / 2)  # the ring labels between the first two items
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.06),
            ncol=3 if previous else 2,
            frameon=False,
            prop={"family": font, "size": 8},
        )
        fig.tight_layout(pad=0.4)
        self.ax = ax
        self.canvas.draw()
        self._inside(fig, ax)
        self.background = self.canvas.copy_from_bbox(fig.bbox)
        self.palette = self._rgb([1] * n, [top] * n).quantize(colors=64, method=2)  # 2: fast octree

    def _inside(self, fig, ax) -> None:
        """The competency names wholly inside the picture: tight_layout does not know where a polar
        axes puts its names, so the axes shrinks until they fit (drawn again each time)."""
        for _ in range(4):
            renderer = self.canvas.get_renderer()
            boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
            width, height = self.canvas.get_width_height()
            over = max(0.0, -min(b.x0 for b in boxes), max(b.x1 for b in boxes) - width)
            over = max(over, -min(b.y0 for b in boxes), max(b.y1 for b in boxes) - height)
            if over <= 0:
                return
            box = ax.get_position()
            shrink = over / DPI / min(WIDTH_IN, HEIGHT_IN) + 0.01
            ax.set_position([box.x0 + shrink, box.y0 + shrink, box.width - 2 * shrink, box.height - 2 * shrink])
            self.canvas.draw()

    def _rgb(
        self, assessed: Sequence[int | None], standard: Sequence[int | None], before: Sequence[int | None] | None = None
    ):
        from PIL import Image

        def closed(values: Sequence[int | None]):
            data = [math.nan if v is None else float(v) for v in values]
            return self.np.array([*data, data[0]])

        canvas = self.canvas
        canvas.restore_region(self.background)
        self.standard.set_ydata(closed(standard))
        mine = closed(assessed)
        self.assessed.set_ydata(mine)
        self.fill.set_xy(self.np.column_stack([self.theta, self.np.nan_to_num(mine, nan=0.0)]))
        artists = [self.fill, self.standard, self.assessed]
        if self.previous is not None and before is not None:  # no earlier cycle: no line (never a made-up one)
            self.previous.set_ydata(closed(before))
            artists.insert(0, self.previous)
        for artist in artists:
            self.ax.draw_artist(artist)
        size = canvas.get_width_height()
        return Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")

    def png(
        self, assessed: Sequence[int | None], standard: Sequence[int | None], before: Sequence[int | None] | None = None
    ) -> bytes:
        """A person's radar; `before`: their previous cycle's levels (None: not shown)."""
        from PIL import Image

        image = self._rgb(assessed, standard, before).quantize(palette=self.palette, dither=Image.Dither.NONE)
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()


_drawn: dict[tuple, Radar] = {}


def radar(labels: Sequence[str], level_names: Sequence[str], font: str, previous: bool = False) -> Radar:
    """The radar template of a model in this process (drawn on first use); `previous`: with the
    previous cycle's line and its legend."""
    key = (tuple(labels), tuple(level_names), font, previous)
    if key not in _drawn:
        _drawn.clear()  # one model at a time: a process does not keep every model's figure
        _drawn[key] = Radar(labels, level_names, font, previous)
    return _drawn[key]
