"""The transparency log: signed tree heads over the ledger's Merkle tree, and their proofs.

``sign_tree_head(app, reason=...)`` brings the tree up to the ledger's head, signs it with the
installation's Ed25519 key and keeps the head twice: in the store and in an append-only file
outside it (under the data folder), so that a verifier can tell the store from what was signed.
Any service that records events may call it after its commit (imports, sanction steps, the
partner's responses, account changes); ``proofs`` answers inclusion and consistency questions.

May use the domain, the store and ``services.context``; sits just above ``context``.
"""

from readmit.services.transparency.heads import sign_tree_head, signs_a_head

__all__ = ["sign_tree_head", "signs_a_head"]
