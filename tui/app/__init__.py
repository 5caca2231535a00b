"""The Textual workbench. Imports tui.store and tui.core; nothing imports it
except tui.commands.open (lazily)."""
