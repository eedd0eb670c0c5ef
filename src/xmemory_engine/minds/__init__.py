"""Minds: the extractor, answerer and designer the engine delegates understanding to."""
