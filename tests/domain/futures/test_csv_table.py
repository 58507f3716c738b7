import pytest

from tui.domain.futures.csv_table import filter_rows, parse_csv, sort_rows

TEXT = "Date(UTC),Order No,Symbol,Price,Status\r\n2025-01-02 00:00:00,11,BTCUSDT,100.5,FILLED\r\n2025-01-01 00:00:00,2,ethusdt,9.75,CANCELED\r\n2025-01-03 00:00:00,3,BTCUSDT,1000,FILLED\r\n"


def test_parse_keeps_header_and_rows() -> None:
    table = parse_csv(TEXT)
    assert table.headers == ("Date(UTC)", "Order No", "Symbol", "Price", "Status")
    assert len(table.rows) == 3


def test_numeric_columns_sort_as_numbers() -> None:
    table = parse_csv(TEXT)
    assert [r[3] for r in sort_rows(table, 3).rows] == ["9.75", "100.5", "1000"]
    assert [r[1] for r in sort_rows(table, 1, descending=True).rows] == ["11", "3", "2"]


def test_filter_anywhere_or_by_column() -> None:
    table = parse_csv(TEXT)
    assert len(filter_rows(table, "btc").rows) == 2
    assert [r[1] for r in filter_rows(table, "status=cancel").rows] == ["2"]
    with pytest.raises(ValueError, match="no column named"):
        filter_rows(table, "nope=1")


def test_empty_file_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_csv("")
