"""The model catalog: gateway discovery, parsing, the fallback catalog, cache, filters, policies."""
