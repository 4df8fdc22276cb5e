"""The edits of each tool ``setup`` writes for, one module per tool (see
:mod:`kilocli.tools.registry`)."""
