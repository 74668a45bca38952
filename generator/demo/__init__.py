"""A demo charter: a real git repository with decades of dated, plausible history.

Everything comes from one seeded `random.Random` (fixed authors and dates, no wall clock), so a seed
always yields the same commit ids. The history is fed to one `git fast-import`, so even 50,000 commits
take seconds; each event keeps the charter valid, so any revision of the demo can be built.

`words` holds the made-up world, `render` the files, `history` the story, `consents` the signed
consents on top of it, `write` the repository made of them, and `command` what `charter demo`
needs besides.
"""

from __future__ import annotations

from generator.demo.command import closing_words, theme_folder
from generator.demo.write import DemoError, DemoSummary, theme_files, write_demo

__all__ = ["DemoError", "DemoSummary", "closing_words", "theme_files", "theme_folder", "write_demo"]
