"""Health insurance with the card (マイナ保険証): insurers' enrolments, eligibility answers,
the clinic's card checks and visits, and the medical records a patient agrees to share.

Actor: insurers and clinics (and the patient at the terminal). Rules called:
``domain.insurance``, ``domain.insurance_rules``.
"""
