"""Feeds: a worker process per kind of data (health, logs, host metrics) and what the screen
reads of it. No Textual here: panes poll a feed on their own tick."""
