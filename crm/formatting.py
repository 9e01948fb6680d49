"""Numbers as Danes write them, for pages, exports and messages alike (the ``number`` template filter)."""

# Python writes 1,234.5; Danish is 1.234,5: the two separators trade places.
_TO_DANISH = str.maketrans(",.", ".,")


def danish_number(value: float | int, decimals: int | None = None) -> str:
    """``value`` with a point between thousands and a decimal comma: 1.234, 7,5, 20.

    With ``decimals`` the number has exactly that many (a distance: 3,0 km); without, it shows the
    decimals it has (up to six), and a whole number none.
    """
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.6f}".rstrip("0")
    return text.translate(_TO_DANISH)


def file_size(size: int) -> str:
    """A file's size in bytes as a Dane reads it: "12 kB", "1,4 MB" (the ``file_size`` filter)."""
    if size < 1024 * 1024:
        return f"{danish_number(max(1, round(size / 1024)))} kB"
    return f"{danish_number(round(size / (1024 * 1024), 1))} MB"
