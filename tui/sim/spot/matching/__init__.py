"""The simulator's spot matching engine: `engine.Engine` and the parts it is made of (see its docstring)."""
