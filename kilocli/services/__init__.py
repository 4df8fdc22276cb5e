"""What each command does, as functions that take a :class:`~kilocli.services.runtime.Runtime`
and return a result the CLI renders. Shared steps (verify with feedback, store a profile) live
once, in :mod:`kilocli.services.steps`. Domain packages never import a service."""
