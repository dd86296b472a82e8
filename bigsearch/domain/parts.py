"""What a paragraph is (its `part`): the minutes' own text, or the text around it, which ranks low.
Shared by the ingester (which sets it) and the search (which ranks and filters by it)."""

TEXT_PARTS = ("item", "body", "agenda")  # an item's text, running text outside items, an agenda entry
LOW_PARTS = ("header", "signature", "caption")  # header fields, the signatures, an attachment's caption
