"""Networker: the platform-neutral core of the networking bot."""
