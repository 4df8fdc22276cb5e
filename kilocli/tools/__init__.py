"""Other tools, handed the gateway: the variables of ``exec``/``env``, their shell quoting, and
the registry of tools ``setup`` writes for (llm, codex, opencode, aider, continue) with their
file editors. The round-trip editors (tomlkit, ruamel.yaml) are imported only by ``setup``."""
