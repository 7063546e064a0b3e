"""The newsletter: sign-up with double opt-in, one-click unsubscribe, and campaigns sent in
the background to confirmed subscribers. Models are registered through ``cms_pages.models``."""
