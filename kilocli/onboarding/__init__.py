"""The onboarding wizard: small steps, with the pure decisions beside them."""
