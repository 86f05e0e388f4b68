"""Family Academy: webinars, Equity Pathways courses and on-demand videos."""
