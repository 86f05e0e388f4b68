"""Parent-portal linking: students, their guardians, and the accounts linked to them."""
