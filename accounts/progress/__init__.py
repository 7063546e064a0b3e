"""A student's progress: the CEFR level per skill that teachers (or the placement quiz)
record when it changes, its history, and the chart of it (``/profile/progress/``)."""
