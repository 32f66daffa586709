"""Employers: their staff, the numbers employees give them (番号確認 and 身元確認), the
withholding slips and employees' health insurance.

Actor: an employer's HR and payroll staff. Rules called: ``domain.employment_rules``.
"""
