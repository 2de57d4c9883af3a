"""Text helpers with no UI dependency: the untrusted-text sanitizer, safe user regexes, ages."""

from cockpit.text.sanitize import sanitize, sanitize_to_text, strip_sgr

__all__ = ["sanitize", "sanitize_to_text", "strip_sgr"]
