"""Helpers with no models: configuration, money, dates, signing, typing."""
