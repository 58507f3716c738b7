"""Order workflows, out of the screens: preview, confirm, place, resolve a lost reply, cancel, amend,
replace, order lists. A desk talks to the venue's session and tells the UI what happened in messages.
"""
