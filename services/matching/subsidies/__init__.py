"""Policy instruments as dated, sourced rule tables, what loans earn from them, and budgets."""
