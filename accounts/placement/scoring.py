"""How the placement quiz suggests a starting level."""

from ..levels import LEVELS

# A level is shown with at least this share of its questions answered right.
PASS_SHARE = 0.5


def suggest_level(results):
    """The starting level for ``results``, pairs of (level a question checks, answered
    right): climbing from A1, a level counts as reached when at least half of its questions
    were answered right; the first level missed stops the climb. Levels without questions
    neither count nor stop it. Everyone starts at least at A1 (a blank quiz, too)."""
    asked = {level: [0, 0] for level in LEVELS}
    for level, right in results:
        asked[level][0] += 1
        asked[level][1] += bool(right)
    reached = LEVELS[0]
    for level in LEVELS:
        total, right = asked[level]
        if not total:
            continue
        if right < PASS_SHARE * total:
            break
        reached = level
    return reached
