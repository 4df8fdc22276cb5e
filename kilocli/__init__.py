"""kilocli: onboard people and CI jobs onto Kilo Gateway."""

__version__ = "0.1.0"
