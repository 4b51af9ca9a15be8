"""Card data at the payment desk: what counts as card data, so it is refused and never stored.

The synthetic card's security code is derived from the seed whenever the desk shows it and is stored nowhere,
so neither the case nor the event log can keep it, whatever a learner types.
"""

import hashlib
import re

REMOVED = "[removed: card data is never stored]"
CODE_ENTERED = (
    "The card security code was entered. It must never be keyed, written down or stored; the card terminal "
    "reads the card."
)
DATA_IN_NOTE = (
    "Card data (the number or the security code) was typed into the account note. Card data is never stored."
)
PAN = re.compile(r"(?:\d[ -]?){13,19}")
CODE_WORDS = re.compile(r"\b(cvv2?|cvc2?|cid|security code|code on the back)\b", re.IGNORECASE)


def security_code(seed: int) -> str:
    digest = hashlib.sha256(f"practice-card:{seed}".encode()).hexdigest()
    return f"{int(digest[:6], 16) % 900 + 100}"


def holds_card_data(text: str, code: str) -> bool:
    # The code alone counts, unless it is part of an amount ("$160.00") or a longer number.
    alone = re.search(rf"(?<![$.,\d]){code}(?![.,\d])", text)
    return bool(PAN.search(text) or alone or CODE_WORDS.search(text))
