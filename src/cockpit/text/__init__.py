"""Text helpers with no UI dependency: the untrusted-text sanitizer and ages."""

from cockpit.text.sanitize import sanitize, sanitize_to_text, strip_sgr

__all__ = ["sanitize", "sanitize_to_text", "strip_sgr"]
