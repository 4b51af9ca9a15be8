"""Certifications people hold (phlebotomy, BLS, CHAA...): the kinds content names, each person's records
with the certificate's file, verification by their supervisor, expiry reminders, and readiness."""
