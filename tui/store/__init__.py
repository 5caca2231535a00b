"""The only code that writes files: documents kept for editing, atomic saves,
locks, recovery files and review records. Imports tui.core, never Textual."""
