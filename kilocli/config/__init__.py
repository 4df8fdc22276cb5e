"""The config file: its model, loading and saving, and the pure merge functions."""
