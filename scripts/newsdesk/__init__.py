"""newsdesk: turn messy news sources into a clean, tagged MkDocs archive."""

__version__ = "0.1.0"
