"""Log incident analyzer for Render and Supabase production logs."""

__version__ = "0.1.0"
