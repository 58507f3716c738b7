"""Pure data and pure functions: Decimal money, order books, orders, filters. No I/O, no Textual."""
