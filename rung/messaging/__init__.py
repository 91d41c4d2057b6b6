"""Messaging: conversations between the people of an engagement, and candidates' questions to an
employer about a published project; messages, attachments, read markers, reports and moderation."""
