"""Talking to a gateway: the bounded HTTP client, error mapping, verification, discovery."""
