"""Nghị quyết: carry a resolution from paper into results, level by level."""
