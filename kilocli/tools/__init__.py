"""Other tools, handed the gateway: the variables of ``exec``/``env``, their shell quoting, and
the registry of tools ``setup`` writes for (llm, codex, opencode, aider, continue) with their
file editors. The round-trip editors (tomlkit, ruamel.yaml) are imported only by ``setup``."""

TOOL_IDS = ("llm", "codex", "claude", "opencode", "aider", "continue")
"""The ids of :data:`kilocli.tools.registry.TOOLS`, in its order, for help texts and completion
without loading the registry and every tool's editors (``onboard``'s help is built on every
run; SPEC §10). The registry refuses to load when the two differ."""
