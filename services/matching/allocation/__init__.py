"""The allocation plan: lenders' remaining capacity spread over open deals for the most financed
tCO2e, by HiGHS beside a greedy baseline."""
