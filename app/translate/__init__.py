"""The translation workbench: interface messages and staff-written content, per language."""
