"""All network I/O, and only here: signing, clock offset, errors and rate limits shared by every venue,
then one package per venue with the same module names where the idea is the same (`spot/`,
`options/`, `futures/`: `session`, `rest`, `streams`, `codec`).

Never imports textual, the widgets, the screens or the simulator.
"""
