"""Lenders' mandates and the life of a deal: offers that reserve capacity, tranches, repayments,
and the exposure every concentration limit watches."""
