"""Sign-in protection for the newsroom: lockout after repeated failures (django-axes) and
two-factor sign-in with an authenticator app and recovery codes (django-otp)."""
