"""The Kilo account (SPEC §13): signing in with Kilo in a browser, and organisations."""
