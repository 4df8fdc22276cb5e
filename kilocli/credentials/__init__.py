"""Key normalising, previews, the ordered source chain and the profile store."""
