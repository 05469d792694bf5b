"""A terminal community: the local demo and the end-to-end test driver."""
