"""The app's pages, one module per audience: review (editors), research (researchers)."""
