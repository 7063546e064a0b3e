"""The level history as a small server-rendered SVG chart, with the same facts as a table.

One step line per skill across six rows (A1 at the bottom, C2 at the top). Skills differ by
line pattern and marker shape as well as colour, and the legend names them, so nothing is
told by colour alone; the chart's title and description say the current levels, and the
table under it (``accounts/progress/_chart.html``) lists every record for screen readers.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from ..levels import LEVELS, SKILLS, Skill
from .models import LevelSource
from .services import current_levels

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 40
ROW = (HEIGHT - TOP - BOTTOM) / (len(LEVELS) - 1)
MARKER = 5
MIN_SPAN = timedelta(days=1)
# Lines of skills at the same level sit a little apart, so one never hides another.
SKILL_OFFSET = 3
SHAPES = dict(zip(SKILLS, ("circle", "square", "triangle", "diamond"), strict=True))
# Drawn by static/css/accounts.css (.level-chart__skill--<skill>), named in the legend.
PATTERNS = dict(
    zip(SKILLS, ("solid line", "dashed line", "dotted line", "dash-dot line"), strict=True)
)


def _n(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker_path(shape, x, y, r=MARKER):
    """An SVG path of one marker: circle, square, triangle or diamond centred on (x, y)."""
    if shape == "circle":
        return f"M{_n(x - r)},{_n(y)} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0"
    if shape == "square":
        r = r - 1
        return f"M{_n(x - r)},{_n(y - r)} h{2 * r} v{2 * r} h{-2 * r} Z"
    if shape == "triangle":
        return f"M{_n(x)},{_n(y - r)} L{_n(x + r)},{_n(y + r - 1)} L{_n(x - r)},{_n(y + r - 1)} Z"
    return f"M{_n(x)},{_n(y - r)} L{_n(x + r)},{_n(y)} L{_n(x)},{_n(y + r)} L{_n(x - r)},{_n(y)} Z"


def _who(record):
    if record.source == LevelSource.PLACEMENT:
        return "Placement quiz"
    if record.recorded_by is None:
        return "A teacher"
    return record.recorded_by.display_name


def level_chart(records, zone, now=None):
    """What ``accounts/progress/_chart.html`` draws from ``records`` (oldest first, as
    ``services.level_history`` gives them), with dates in ``zone``."""
    now = now or timezone.now()
    records = list(records)

    def day(moment):
        return date_format(timezone.localtime(moment, zone), "j M Y")

    rows = [
        {"level": level, "y": _n(TOP + (len(LEVELS) - 1 - i) * ROW)}
        for i, level in enumerate(LEVELS)
    ]
    table = [
        {
            "date": day(record.at),
            "iso": timezone.localtime(record.at, zone).date().isoformat(),
            "skill": record.get_skill_display(),
            "level": record.level,
            "level_name": record.get_level_display(),
            "by": _who(record),
        }
        for record in records
    ]
    latest = current_levels(records)
    current = [
        {
            "skill": Skill(skill).label,
            "level": latest[skill].level,
            "level_name": latest[skill].get_level_display(),
            "since": day(latest[skill].at),
        }
        for skill in SKILLS
        if skill in latest
    ]
    chart = {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right_x": WIDTH - RIGHT,
        "axis_y": _n(HEIGHT - BOTTOM + 20),
        "rows": rows,
        "lines": [],
        "ticks": [],
        "table": table,
        "current": current,
        "empty": not records,
    }
    if not records:
        return chart

    end = max(now, records[-1].at)
    start = min(records[0].at, end - MIN_SPAN)
    span = (end - start).total_seconds()
    plot_width = WIDTH - LEFT - RIGHT

    def x_of(moment):
        return LEFT + plot_width * (moment - start).total_seconds() / span

    def y_of(level, skill):
        index = LEVELS.index(level)
        offset = (SKILLS.index(skill) - 1.5) * SKILL_OFFSET
        return TOP + (len(LEVELS) - 1 - index) * ROW + offset

    for skill in SKILLS:
        own = [record for record in records if record.skill == skill]
        if not own:
            continue
        label = Skill(skill).label
        first = own[0]
        path = [f"M{_n(x_of(first.at))},{_n(y_of(first.level, skill))}"]
        for record in own[1:]:
            path.append(f"H{_n(x_of(record.at))} V{_n(y_of(record.level, skill))}")
        path.append(f"H{_n(x_of(end))}")
        chart["lines"].append(
            {
                "skill": skill,
                "label": label,
                "shape": SHAPES[skill],
                "pattern": PATTERNS[skill],
                "path": " ".join(path),
                "markers": [
                    {
                        "d": marker_path(SHAPES[skill], x_of(r.at), y_of(r.level, skill)),
                        "title": f"{label}: {r.level} from {day(r.at)} ({_who(r)})",
                    }
                    for r in own
                ],
                "legend_marker": marker_path(SHAPES[skill], 20, 7),
            }
        )
    ticks = [start, start + (end - start) / 2, end]
    chart["ticks"] = [
        {"x": _n(x_of(moment)), "label": day(moment), "anchor": anchor}
        for moment, anchor in zip(ticks, ("start", "middle", "end"), strict=True)
    ]
    return chart
