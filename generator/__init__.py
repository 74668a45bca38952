"""Generator for a living, versioned people's charter.

The core (model, validation, history, diffs, page content) never imports MkDocs, so that
the MkDocs plugin stays a thin adapter that a later engine can replace.
"""

__version__ = "0.1.0"
