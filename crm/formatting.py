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
