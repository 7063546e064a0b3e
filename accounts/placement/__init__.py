"""The optional placement quiz after sign-up: editors manage its questions as Wagtail
snippets; a student answers them (or skips), sees the starting level they suggest and may
accept it, which records that level for every skill (source: placement)."""
