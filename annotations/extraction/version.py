"""The extractor's version, stored with every candidate. Bump it whenever rules change."""

EXTRACTOR_VERSION = "rules-1.0"
