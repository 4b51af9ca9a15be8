"""Email: an outbox written in the same transaction as the event, and a sender that claims it through the
database, so nothing is lost while SMTP is down and no message goes out twice."""
