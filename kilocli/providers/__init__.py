"""Providers: the registry as data (``registry``), and resolution beside it (``resolve``)."""
