from tests.voices.test_aggregate import corpus  # noqa: F401  (the hand-counted corpus)
