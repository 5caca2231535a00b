"""The pure core: model, form definitions, rules, pairing, digest, review state.

Nothing under tui.core imports Textual, tomlkit or diff-match-patch; the
check path must stay as cheap to start as a bare tomllib script.
"""
