"""Use cases: what a user asks, composed from the domain and the store. One function each."""
