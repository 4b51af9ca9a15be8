"""Where each case's seed comes from, so that a practice set's cases cannot be known before they are worked.

Every case is generated from a seed by public code (cases/), so whoever knows a seed knows the case and its
answer. Two spaces keep set cases out of reach:

- Free practice and offline batches (`pathways practice generate`) use seeds below FREE_SEED_LIMIT; a learner
  may pick one, or the server draws one.
- A set's cases use seeds from SET_SEED_FLOOR up, each an HMAC-SHA256 (RFC 2104) of the learner, the case
  slot and the attempt number, keyed by a random secret stored with the set. The secret is never serialised,
  and a set attempt's seed is never shown to a learner, so nothing a learner can read lets them compute the
  case, and no free-practice seed can reproduce it. Each attempt number gives a new case, so a retry is a
  case of the same type whose answer has not been seen, and colleagues in one set get different cases.
"""

import hashlib
import hmac
import secrets

FREE_SEED_LIMIT = 1_000_000_000
SET_SEED_FLOOR = 2**40
SEED_CEILING = 2**63  # stored in a signed 64-bit column
SECRET_BYTES = 32


def new_set_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


def free_seed() -> int:
    return secrets.randbelow(FREE_SEED_LIMIT)


def is_free_seed(seed: int) -> bool:
    return 0 <= seed < FREE_SEED_LIMIT


def batch_case_seed(batch_seed: int, case_type: str, index: int) -> int:
    """The seed of the index-th case of one type in an offline batch: public, and in the free space."""
    digest = hashlib.sha256(f"practice:{batch_seed}:{case_type}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % FREE_SEED_LIMIT


def set_case_seed(secret: str, employee_id: int, case_type: str, index: int, attempt_number: int) -> int:
    key = bytes.fromhex(secret)
    if len(key) < SECRET_BYTES:  # an empty or short key would let anyone compute the HMAC
        raise ValueError("a practice set's secret must be 32 random bytes")
    message = f"{employee_id}:{case_type}:{index}:{attempt_number}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return SET_SEED_FLOOR + int.from_bytes(digest[:8], "big") % (SEED_CEILING - SET_SEED_FLOOR)
